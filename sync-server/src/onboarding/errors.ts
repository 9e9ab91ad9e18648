/** Error codes of the onboarding wizard. */
export const OnboardingErrors = {
  LOGO_TOO_LARGE: 'LOGO_TOO_LARGE',
  LOGO_TYPE_NOT_ALLOWED: 'LOGO_TYPE_NOT_ALLOWED',
  LOGO_NOT_FOUND: 'LOGO_NOT_FOUND',
  UNKNOWN_ROLE: 'UNKNOWN_ROLE',
  CORE_MODULE: 'CORE_MODULE',
  OWNER_ONLY: 'OWNER_ONLY',
} as const;
