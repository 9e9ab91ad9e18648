/** Error codes of tenant provisioning and sign-up. */
export const ProvisioningErrors = {
  UNKNOWN_INDUSTRY: 'UNKNOWN_INDUSTRY',
  EXTERNAL_ID_CONFLICT: 'EXTERNAL_ID_CONFLICT',
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  SIGNUP_REPLAY_MISMATCH: 'SIGNUP_REPLAY_MISMATCH',
  INVALID_JSON: 'INVALID_JSON',
} as const;
