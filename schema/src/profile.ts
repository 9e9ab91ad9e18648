import { z } from 'zod';

/**
 * What a user may edit about themselves (name, picture), shared by
 * sync-server (better-auth's update-user, sign-up, provisioning) and the
 * app's forms. Names travel into every team listing and into emails, so they
 * are bounded and single-line; pictures are only https or inline images, never
 * a script URL.
 */

/** Control characters, line and paragraph separators and bidi overrides: none belongs in a name. */
const CONTROL = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** The longest a person's name may be. */
export const MAX_NAME_LENGTH = 100;

/** A person's display name: 1 to 100 characters, one line, no control characters. */
export const personName = z
  .string()
  .trim()
  .min(1, 'enter a name')
  .max(MAX_NAME_LENGTH, `at most ${MAX_NAME_LENGTH} characters`)
  .refine((s) => !CONTROL.test(s), 'no line breaks or control characters');

/** A company's name: 2 to 120 characters, one line, no control characters. */
export const companyName = z
  .string()
  .trim()
  .min(2)
  .max(120)
  .refine((s) => !CONTROL.test(s), 'no line breaks or control characters');

/** The longest picture value kept on a user (an inline image of about 75 KB). */
export const MAX_IMAGE_LENGTH = 100_000;

/** True for an https URL or an inline png/jpeg/gif/webp image: what a profile picture may be. */
export function isSafeImageUrl(v: string): boolean {
  if (v.length > MAX_IMAGE_LENGTH || CONTROL.test(v)) return false;
  if (/^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$/.test(v)) return true;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' && v.length <= 2048 && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** A profile picture: an https URL, an inline image, or null (none). */
export const profileImage = z.string().refine(isSafeImageUrl, 'an https URL or an inline png, jpeg, gif or webp image').nullable();

/** The body of better-auth's `POST /api/auth/update-user`: only these fields, each optional. */
export const userProfileInput = z.object({ name: personName.optional(), image: profileImage.optional() }).strict();
export type UserProfileInput = z.infer<typeof userProfileInput>;

/**
 * The themes a user may pick (app/src/ui/themes.ts holds their colours), and
 * 'system' to follow the device's light or dark setting.
 */
export const THEME_CHOICES = ['system', 'light', 'dark', 'high-contrast', 'ocean', 'forest', 'sunset', 'grape', 'rose', 'midnight'] as const;
export type ThemeChoiceKey = (typeof THEME_CHOICES)[number];

/** `PUT /api/me/preferences`: what a user keeps on the server so it follows them to every device. */
export const preferencesInput = z.object({ theme: z.enum(THEME_CHOICES, { error: 'choose one of the listed themes' }) }).strict();

/** A tenant's brand colour: `#rrggbb`, or null for StreamFlow's own accent. */
export const brandColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #2f54d1').transform((s) => s.toLowerCase());
export const brandInput = z.object({ color: brandColour.nullable() }).strict();
