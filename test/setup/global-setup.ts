import { missingServices } from './services.js';

/** vitest globalSetup: refuse to start the suite, in one line per service, when one is down. */
export default async function checkServices(): Promise<void> {
  const problems = await missingServices();
  if (problems.length === 0) return;
  const err = new Error(`npm test needs PostgreSQL and Redis. ${problems.join(' ')}`);
  err.stack = err.message; // the sentence is the whole story: no stack trace under it
  throw err;
}
