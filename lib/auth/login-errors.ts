/** The sign-in error of a locked account, followed by the ISO time the lock ends (shown by the login page). */
export const LOCKED_ERROR_PREFIX = "AccountLocked:";
