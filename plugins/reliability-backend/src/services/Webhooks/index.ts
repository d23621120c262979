export {
  DELIVERY_JOURNAL_DIRECTORY,
  GithubWebhookService,
  githubWebhookServiceRef,
} from './GithubWebhookService';
export { DeliveryJournal } from './DeliveryJournal';
export type { JournalSegment } from './DeliveryJournal';
export type {
  DeliveryStoreTarget,
  GithubWebhookDelivery,
  WebhookReceipt,
} from './GithubWebhookService';
export {
  HANDLED_GITHUB_EVENTS,
  INCIDENT_LABEL,
  normalizeGithubEvent,
} from './normalizeGithubEvent';
export type {
  DeliveryEvent,
  DeliveryEventKind,
  FirstCommitResolver,
} from './normalizeGithubEvent';
export {
  createGithubFirstCommitResolver,
  firstCommitResolverFromConfig,
} from './githubFirstCommit';
