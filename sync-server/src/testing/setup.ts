import { afterEach, beforeEach, expect, vi, type MockInstance } from 'vitest';

/** `console.error` in a test is a failure (CONVENTIONS.md). */
let errorSpy: MockInstance<typeof console.error>;

beforeEach(() => {
  errorSpy = vi.spyOn(console, 'error');
});

afterEach(() => {
  const calls = errorSpy.mock.calls;
  errorSpy.mockRestore();
  expect(calls, 'console.error was called during the test').toEqual([]);
});
