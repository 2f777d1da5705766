import type { CfnTemplate } from '@order-pipeline/local-aws/cloudformation';
import {
  dlqHandlerTemplate,
  ingestApiTemplate,
  orderConsumerTemplate,
  propsOf,
  statementOf,
} from './fixtures';
import { checkTracingBackend, TRACING_ACTIONS } from './tracingChecks';

const templates = (): CfnTemplate[] => [orderConsumerTemplate(), ingestApiTemplate(), dlqHandlerTemplate()];

/** What `--param=tracingBackend=otel` changes in a fixture: the functions' variable and the roles' actions. */
const toOtel = (template: CfnTemplate): CfnTemplate => {
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type === 'AWS::Lambda::Function') {
      propsOf(template, id).Environment = {
        Variables: {
          TRACING_BACKEND: 'otel',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://xray.eu-west-1.amazonaws.com/v1/traces',
        },
      };
    }
    if (resource.Type === 'AWS::IAM::Role')
      statementOf(template, id, 'Tracing').Action = [...TRACING_ACTIONS.otel];
  }
  return template;
};

describe('checkTracingBackend()', () => {
  it('accepts the fixture stacks for the X-Ray SDK, and their OpenTelemetry variant for otel', () => {
    expect(templates().flatMap((template) => checkTracingBackend(template, 'xray'))).toEqual([]);
    expect(templates().flatMap((template) => checkTracingBackend(toOtel(template), 'otel'))).toEqual([]);
  });

  it('reports a function told another backend than the stage deploys', () => {
    const [consumer] = templates();

    expect(checkTracingBackend(consumer as CfnTemplate, 'otel')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/function ProcessOrdersLambdaFunction has TRACING_BACKEND "xray"/),
      ]),
    );
  });

  it('reports an OpenTelemetry role that cannot write to the OTLP endpoint', () => {
    const consumer = toOtel(orderConsumerTemplate());
    statementOf(consumer, 'ProcessOrdersRole', 'Tracing').Action = [...TRACING_ACTIONS.xray];

    expect(checkTracingBackend(consumer, 'otel')).toEqual([
      "function ProcessOrdersLambdaFunction's role ProcessOrdersRole does not allow xray:PutSpans, xray:PutSpansForIndexing",
    ]);
  });

  it('reports an OpenTelemetry function that sends its spans anywhere but X-Ray', () => {
    const consumer = toOtel(orderConsumerTemplate());
    propsOf(consumer, 'ProcessOrdersLambdaFunction').Environment = {
      Variables: {
        TRACING_BACKEND: 'otel',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces',
      },
    };

    expect(checkTracingBackend(consumer, 'otel')).toEqual([
      'function ProcessOrdersLambdaFunction sends spans to "http://127.0.0.1:4318/v1/traces", not X-Ray\'s OTLP endpoint',
    ]);
  });

  it('reports an X-Ray SDK role that was given the OTLP actions (least privilege)', () => {
    const consumer = orderConsumerTemplate();
    statementOf(consumer, 'ProcessOrdersRole', 'Tracing').Action = [...TRACING_ACTIONS.otel];

    expect(checkTracingBackend(consumer, 'xray')).toEqual([
      "function ProcessOrdersLambdaFunction's role ProcessOrdersRole allows xray:PutSpans, xray:PutSpansForIndexing, which the X-Ray SDK never uses",
    ]);
  });
});
