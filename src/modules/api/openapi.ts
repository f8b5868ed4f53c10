import { PROBLEMS, type ProblemSlug } from './schemas';

// A small, hand-written subset of the OpenAPI 3.1 types: enough for the compiler to check the shape.
interface JsonSchema {
  $ref?: string;
  type?: 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'array';
  description?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  const?: string | number;
  enum?: readonly (string | number)[];
  examples?: readonly unknown[];
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  items?: JsonSchema;
  allOf?: readonly JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
}

interface Header { description: string; required?: boolean; schema: JsonSchema }
interface MediaType { schema: JsonSchema; example?: unknown }
interface Response { description: string; headers?: Record<string, Header>; content?: Record<string, MediaType> }
interface Ref { $ref: string }
interface Parameter { name: string; in: 'header' | 'query' | 'path'; required: boolean; description: string; schema: JsonSchema }
interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: Record<string, MediaType> };
  responses: Record<string, Response | Ref>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  paths: Record<string, { get?: Operation; post?: Operation }>;
  components: {
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>;
    schemas: Record<string, JsonSchema>;
    responses: Record<string, Response>;
  };
}

const problemJson = (schema: string) => ({ 'application/problem+json': { schema: { $ref: `#/components/schemas/${schema}` } } });

/** The problem types a response of one status may carry, for its description. */
const typesFor = (baseUrl: string, slugs: ProblemSlug[]) =>
  slugs.map((s) => `- \`${baseUrl}/api/problems/${s}\`: ${PROBLEMS[s].title}. ${PROBLEMS[s].description}`).join('\n');

/** The OpenAPI 3.1 description of the public API, served at /api/openapi.json. */
export function openApiDocument(baseUrl: string, perMinute: number): OpenApiDocument {
  const problem = (slugs: ProblemSlug[], schema = 'Problem', headers?: Record<string, Header>): Response => ({
    description: `Problem details (RFC 9457). Types:\n${typesFor(baseUrl, slugs)}`,
    ...(headers ? { headers } : {}),
    content: problemJson(schema),
  });

  return {
    openapi: '3.1.0',
    info: {
      title: 'Koushin API',
      version: '1.0.0',
      description:
        'For e-learning providers: post the continuing-education credits (単位) a member earned. Every request is authenticated with an ' +
        'API token issued by the secretariat and must carry an Idempotency-Key. Errors are problem details (RFC 9457, application/problem+json).',
    },
    servers: [{ url: baseUrl }],
    paths: {
      '/api/v1/credits': {
        post: {
          operationId: 'postCredit',
          summary: 'Record an e-learning credit for a member',
          description:
            'Records an approved credit of source e-learning in the member\'s ledger. The same Idempotency-Key with the same body returns ' +
            'the stored response (same status and body, header `Idempotent-Replayed: true`) and records nothing more; with a different body ' +
            'it is refused (422). The same externalId is recorded once only (409 for a second one, whatever its key). Requests that fail ' +
            `record nothing and may be retried with the same key. Rate limit: ${perMinute} requests a minute per token (429 with Retry-After).`,
          tags: ['credits'],
          security: [{ bearerAuth: [] }],
          parameters: [
            {
              name: 'Idempotency-Key', in: 'header', required: true,
              description: 'A unique key per operation, chosen by the client (e.g. a UUID); 1–200 printable ASCII characters.',
              schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[ -~]{1,200}$', examples: ['7f1c2a8e-4b0d-4c55-9f43-2a1f0f6b9e10'] },
            },
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/CreditPost' },
                example: { memberNumber: '123456', creditCode: 'EL2025-1', activityDate: '2026-10-01', externalId: 'provider-completion-98765' },
              },
            },
          },
          responses: {
            '201': {
              description: 'The credit was recorded (or, with `Idempotent-Replayed: true`, had been recorded by an earlier request with this key).',
              headers: {
                'Idempotent-Replayed': { description: '`true` when this is the stored response of an earlier request with the same key.', schema: { type: 'string', enum: ['true'] } },
              },
              content: {
                'application/json': {
                  schema: { $ref: '#/components/schemas/CreditPosted' },
                  example: { controlNo: 'TN-100123', memberNumber: '123456', creditCode: 'EL2025-1', credits: 2, activityDate: '2026-10-01', status: 'approved' },
                },
              },
            },
            '400': problem(['invalid-request', 'idempotency-key-missing'], 'ValidationProblem'),
            '401': { $ref: '#/components/responses/Unauthorized' },
            '404': problem(['member-not-found']),
            '409': problem(['duplicate-external-id', 'idempotency-key-in-progress']),
            '413': problem(['payload-too-large']),
            '415': problem(['unsupported-media-type']),
            '422': problem(['unknown-credit-code', 'credit-code-not-elearning', 'activity-date-in-future', 'idempotency-key-reused']),
            '429': problem(['rate-limited'], 'Problem', {
              'Retry-After': { description: 'Seconds to wait before the next request.', schema: { type: 'integer', minimum: 0 } },
            }),
            '500': problem(['server-error']),
            '503': problem(['unavailable']),
          },
        },
      },
      '/api/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'The OpenAPI 3.1 description of this API.', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http', scheme: 'bearer',
          description: 'An API token (`kst_…`) issued by an administrator of the secretariat at /staff/api-tokens; it is shown once when issued.',
        },
      },
      schemas: {
        CreditPost: {
          type: 'object',
          required: ['memberNumber', 'creditCode', 'activityDate', 'externalId'],
          properties: {
            memberNumber: {
              type: 'string', pattern: '^\\s*[1１][0-9０-９]{5}\\s*$',
              description: 'The member number: 6 digits starting with 1. Full-width digits and surrounding spaces are accepted.',
              examples: ['123456', '１２３４５６'],
            },
            creditCode: { type: 'string', minLength: 1, maxLength: 100, description: 'The code of the course in the credit catalogue (単位コード), e.g. EL2025-1.' },
            activityDate: { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'The day the member completed the course (YYYY-MM-DD, Japan time); not in the future.' },
            externalId: { type: 'string', minLength: 1, maxLength: 200, description: 'The provider\'s own id of this completion; a credit is recorded once per externalId.' },
          },
        },
        CreditPosted: {
          type: 'object',
          required: ['controlNo', 'memberNumber', 'creditCode', 'credits', 'activityDate', 'status'],
          additionalProperties: false,
          properties: {
            controlNo: { type: 'string', pattern: '^TN-\\d+$', description: 'The credit\'s control number (管理No.) in the member\'s ledger.' },
            memberNumber: { type: 'string', pattern: '^1\\d{5}$' },
            creditCode: { type: 'string' },
            credits: { type: 'integer', minimum: 1, description: 'Credits granted, from the catalogue.' },
            activityDate: { type: 'string', format: 'date' },
            status: { type: 'string', const: 'approved' },
          },
        },
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail', 'instance'],
          properties: {
            type: { type: 'string', format: 'uri', description: `A URI of the form ${baseUrl}/api/problems/{slug}; GET it for a description.` },
            title: { type: 'string', description: 'A short summary of the problem type (the same for every occurrence).' },
            status: { type: 'integer', description: 'The HTTP status code.' },
            detail: { type: 'string', description: 'What went wrong with this request.' },
            instance: { type: 'string', format: 'uri', description: 'urn:uuid:{request id}; quote it when contacting the secretariat.' },
          },
        },
        ValidationProblem: {
          allOf: [
            { $ref: '#/components/schemas/Problem' },
            {
              type: 'object',
              properties: {
                errors: {
                  type: 'array',
                  description: 'Each invalid field (invalid-request only).',
                  items: {
                    type: 'object',
                    required: ['pointer', 'detail'],
                    properties: {
                      pointer: { type: 'string', description: 'A JSON Pointer (as a URI fragment, e.g. `#/memberNumber`) into the body.' },
                      detail: { type: 'string' },
                    },
                  },
                },
              },
            },
          ],
        },
      },
      responses: {
        Unauthorized: {
          description: `The token is missing, unknown or revoked. Problem details (RFC 9457). Types:\n${typesFor(baseUrl, ['unauthorized'])}`,
          headers: { 'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string' } } },
          content: problemJson('Problem'),
        },
      },
    },
  };
}
