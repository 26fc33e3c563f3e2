/** Request bodies over 16 KB are refused with 413. */
export const BODY_LIMIT = 16 * 1024;
