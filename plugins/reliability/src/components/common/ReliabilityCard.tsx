import type { ReactNode } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { MissingAnnotationEmptyState } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { reasonOf } from './format';
import type { ReliabilityData } from '../../hooks';
import { SourceErrors, SourceError } from './SourceErrors';
import { UpdatedAgo } from './UpdatedAgo';

/**
 * What to render when a response holds no data yet.
 *
 * @public
 */
export interface NoDataHint {
  title: string;
  /** How to send the data, shown as the empty state's description. */
  howToSend: ReactNode;
}

/**
 * Frame shared by the cards: the standard states in a fixed order so a card is
 * never blank.
 *
 * 1. no value and loading → `Progress`;
 * 2. no value and an error → `ResponseErrorPanel` with the reason;
 * 3. `noData(value)` returns a hint → per-source errors + `EmptyState` saying how to send data;
 * 4. otherwise per-source errors + `children(value)`.
 *
 * A card whose entity lacks its annotations renders {@link MissingAnnotationCard} instead and
 * never calls the backend.
 *
 * @internal
 */
export function ReliabilityCard<T extends { generatedAt: string; errors: SourceError[] }>(props: {
  title: string;
  data: ReliabilityData<T>;
  noData?: (value: T) => NoDataHint | undefined;
  live?: boolean;
  variant?: 'gridItem' | 'fullHeight';
  action?: ReactNode;
  children: (value: T) => ReactNode;
}) {
  const { title, data, noData, live, variant = 'gridItem' } = props;
  const label = `${title} card`;
  const { value, error, loading } = data;
  if (!value) {
    return (
      <InfoCard title={title} variant={variant}>
        <section
          aria-label={label}
          aria-busy={loading || !error}
          data-state={loading || !error ? 'loading' : 'error'}
        >
          {loading || !error ? (
            <Progress />
          ) : (
            <ResponseErrorPanel
              error={error}
              title={`Could not load ${title.toLocaleLowerCase('en-US')}: ${reasonOf(error)}`}
            />
          )}
        </section>
      </InfoCard>
    );
  }
  const hint = noData?.(value);
  return (
    <InfoCard
      title={title}
      variant={variant}
      action={props.action}
      subheader={<UpdatedAgo generatedAt={value.generatedAt} live={live} refreshing={loading} />}
    >
      <section aria-label={label} data-state={hint ? 'no-data' : 'data'}>
        <SourceErrors errors={value.errors} refreshError={error} />
        {hint ? (
          <EmptyState
            missing="data"
            title={hint.title}
            description={<Typography component="span">{hint.howToSend}</Typography>}
          />
        ) : (
          props.children(value)
        )}
      </section>
    </InfoCard>
  );
}

/**
 * A card naming the annotations to add (any one of them enables the card).
 *
 * @internal
 */
export function MissingAnnotationCard(props: {
  title: string;
  annotations: readonly string[];
  variant?: 'gridItem' | 'fullHeight';
}) {
  return (
    <InfoCard title={props.title} variant={props.variant ?? 'gridItem'}>
      <section aria-label={`${props.title} card`} data-state="missing-annotation">
        <MissingAnnotationEmptyState annotation={[...props.annotations]} />
      </section>
    </InfoCard>
  );
}
