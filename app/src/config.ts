/** Build-time configuration, read once. No other module reads import.meta.env. */
export const config = {
  /** Base URL of sync-server; empty means the same origin that served the app. */
  apiBase: (import.meta.env.VITE_API_BASE as string | undefined) ?? '',
} as const;
