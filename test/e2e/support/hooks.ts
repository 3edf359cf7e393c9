// Root hooks of the e2e tier: a screenshot of every failure, and the shared
// workbench closed at the end (also after failures).
import { closeSharedWorkbench, openedWorkbench } from './workbench';

export const mochaHooks = {
  async afterEach(this: Mocha.Context): Promise<void> {
    const test = this.currentTest;
    if (test?.state !== 'failed') return;
    const workbench = await openedWorkbench();
    const name = `failed-${test.fullTitle().replace(/[^\w-]+/g, '-')}`;
    await workbench?.screenshot(name).catch(() => undefined);
  },
  async afterAll(): Promise<void> {
    await closeSharedWorkbench();
  },
};
