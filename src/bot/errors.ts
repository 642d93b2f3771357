/**
 * An error the user caused or can fix (bad input, not allowed, nothing to do). Its message is
 * shown to them as is, ephemerally; it is not logged as a failure.
 */
export class UserError extends Error {
  override name = 'UserError';
}

/** Thrown into handlers while shutting down: new work is refused with a short answer. */
export const RESTARTING_MESSAGE = 'FlavaFlav is restarting. Try again in a minute.';
export const DATABASE_DOWN_MESSAGE = 'The link database is not answering right now. Nothing was changed; try again in a minute.';
/** A failure after which a change may or may not have been saved: never "nothing was changed". */
export const DATABASE_UNSURE_MESSAGE = 'The link database did not answer in time, so it is not known whether anything you changed was saved. Check, then try again in a minute.';
export const UNEXPECTED_MESSAGE = 'Something went wrong on our side and it has been logged. If you were changing something, check whether it was done before trying again.';
export const EXPIRED_MESSAGE = 'These buttons have expired. Run the command again.';
export const UNKNOWN_COMMAND_MESSAGE = 'FlavaFlav does not know that command (it may have changed). Wait a minute for Discord to update the commands, then try again.';
