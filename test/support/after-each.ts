/**
 * After every test: fail it if an emulator started in this file refused something during it
 * (what Discord would refuse, a late or second response, a press Discord's client never sends),
 * unless the test declared it with emulator.expectRefusal; and fail it if a declared refusal did
 * not happen. Test files without an emulator have nothing registered, so this is a no-op there.
 */
import { settleEmulators } from './discord/registry';

afterEach(() => {
  const failure = settleEmulators();
  if (failure) throw new Error(failure);
});
