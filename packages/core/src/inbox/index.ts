/**
 * The inbox contract, written once for every engine package (BullMQ, pg-boss, …): the receiving
 * side (`createInboxRouter`), what a job holds (`InboxJobData`) and the processing side
 * (`createInboxRunner`). An engine supplies only an idempotent `enqueue(job)` and runs
 * `runner({ jobId, data, attempt, attempts })` for each job it hands to a worker.
 */
export { describeError, type InboxEngineDescription, type InboxEngineRetries } from './engine.js';
export {
  deliveryFromJob,
  type InboxJobData,
  type InboxSignatureHeaders,
  type InboxTracing,
  type ReceivedBody,
  receivedBodyOf,
  toJobData,
  traceOf,
} from './job.js';
export {
  createInboxRunner,
  type InboxJobInfo,
  type InboxRun,
  type InboxRunner,
  type InboxRunnerOptions,
  inboxJobOf,
} from './processing.js';
export { keepReceivedBody, takeReceivedBody } from './received-body.js';
export {
  checkHandlerRouter,
  createInboxRouter,
  type InboxJob,
  type InboxReceiving,
  type InboxRouterOptions,
  isInboxRouter,
  routerKeepsBody,
} from './receiving.js';
