// Root hooks of the e2e tier: a screenshot of every failure, the shared workbench left as the
// next test expects it (no debug session, no breakpoint), and closed at the end (also after failures).
import { closeSharedWorkbench, openedWorkbench } from './workbench';

export const mochaHooks = {
  async afterEach(this: Mocha.Context): Promise<void> {
    const test = this.currentTest;
    const workbench = await openedWorkbench();
    if (test?.state === 'failed') {
      const name = `failed-${test.fullTitle().replace(/[^\w-]+/g, '-')}`;
      await workbench?.screenshot(name).catch(() => undefined);
    }
    await workbench?.resetDebugging();
  },
  async afterAll(): Promise<void> {
    await closeSharedWorkbench();
  },
};
