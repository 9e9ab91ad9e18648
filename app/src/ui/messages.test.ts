import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../api.ts';
import { TextField } from './field.tsx';
import { errorSentence, explainError, explainMutation, fieldLabel, issueSentence } from './messages.ts';
import { fieldErrors } from './record-kit.tsx';

const issuesOf = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a failure');
  return r.error.issues;
};

describe('the form layer: a zod error is a sentence on its field', () => {
  it('uses the write API’s own validators and names the field', () => {
    const errs = fieldErrors('companies', 'insert', { name: '', email: 'not-an-email', phone: '1' }, { name: 'Company name' });
    expect(errs).toEqual({
      name: 'Company name is required.',
      email: 'Enter an email address like name@example.com.',
      phone: 'Phone needs at least 3 characters.',
    });
  });
  it('reads a money pattern’s own words', () => {
    const errs = fieldErrors('opportunities', 'update', { amount: '12,50' });
    expect(errs.amount).toBe('Enter a decimal amount like 1234.50.');
  });
  it('shows the sentence under the field, tied to the input for screen readers', () => {
    const errs = fieldErrors('companies', 'insert', { name: 'Acme', email: 'nope' });
    const html = renderToStaticMarkup(createElement(TextField, { label: 'Email', type: 'email', value: 'nope', onChange: () => {}, error: errs.email }));
    expect(html).toContain('Enter an email address like name@example.com.');
    expect(html).toMatch(/aria-invalid="true"/);
    expect(html).not.toMatch(/Invalid input|expected string/);
  });
  it('turns each kind of zod issue into words, never zod’s text', () => {
    const cases: [z.ZodType, unknown, string][] = [
      [z.object({ a: z.string() }), {}, 'Due at is required.'],
      [z.object({ a: z.number() }), { a: 'x' }, 'Due at must be a number.'],
      [z.object({ a: z.string().max(3) }), { a: 'abcd' }, 'Due at can have at most 3 characters.'],
      [z.object({ a: z.number().min(1) }), { a: 0 }, 'Due at must be at least 1.'],
      [z.object({ a: z.number().lt(10) }), { a: 10 }, 'Due at must be less than 10.'],
      [z.object({ a: z.enum(['open', 'done']) }), { a: 'x' }, 'Choose one of: open, done.'],
      [z.object({ a: z.url() }), { a: 'x' }, 'Enter a web address like https://example.com.'],
      [z.object({ a: z.iso.date() }), { a: 'x' }, 'Enter a date.'],
      [z.object({ a: z.string().refine(() => false, 'closing time must be after opening time') }), { a: 'x' }, 'Closing time must be after opening time.'],
    ];
    for (const [schema, value, sentence] of cases) {
      const [issue] = issuesOf(schema, value);
      expect(issueSentence(issue!, fieldLabel('due_at'))).toBe(sentence);
    }
  });
  it('labels a column by its words', () => {
    expect(fieldLabel('due_at')).toBe('Due at');
    expect(fieldLabel('companyId')).toBe('Company');
  });
});

describe('the error mapper', () => {
  it('never shows a status, a code or a fetch error as the sentence', () => {
    const offline = explainError(new TypeError('Failed to fetch'));
    expect(offline.sentence).toBe('StreamFlow could not be reached.');
    expect(offline.detail).toBe('Failed to fetch');
    const unknown = explainError(new ApiError(401, 'SOMETHING_NEW', 'Request failed (401).'));
    expect(unknown.sentence).toBe('You are signed out.');
    expect(unknown.code).toBe('SOMETHING_NEW');
  });
  it('prefers a specific code to the page’s fallback, and the fallback to a generic one', () => {
    expect(errorSentence(new ApiError(403, 'LAST_OWNER', 'x'), 'Not saved.')).toBe('The last owner keeps the owner role. Make someone else owner first.');
    expect(errorSentence(new ApiError(400, 'BAD_REQUEST', 'x'), 'Not saved.')).toBe('Not saved.');
    expect(errorSentence(new ApiError(503, 'NOT_READY', 'x'), 'Not saved.')).toBe('StreamFlow is starting up. Try again in a moment.');
  });
  it('explains a rejected change with permission words', () => {
    expect(explainMutation({ code: 'FORBIDDEN', message: 'This record is not yours to change.' }).sentence).toMatch(/permission/);
    expect(explainMutation({ code: 'INVALID', message: 'Some values are not valid.' }).detail).toBe('Some values are not valid.');
  });
});
