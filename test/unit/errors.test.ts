import { isDynamoRefusal, isDynamoUnavailable } from '../../src/services/errors';

describe('DynamoDB unavailability', () => {
  it('recognises network failures, throttling, timeouts and 5xx', () => {
    expect(isDynamoUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDynamoUnavailable(new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:1'))).toBe(true);
    expect(isDynamoUnavailable({ name: 'TimeoutError', message: 'request timed out' })).toBe(true);
    expect(isDynamoUnavailable({ name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } })).toBe(true);
    expect(isDynamoUnavailable({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } })).toBe(true);
    expect(isDynamoUnavailable({ name: 'Whatever', $metadata: { attempts: 3 } })).toBe(true);
  });

  it('does not hide bugs and validation errors', () => {
    expect(isDynamoUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDynamoUnavailable({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } })).toBe(false);
    expect(isDynamoUnavailable({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } })).toBe(false);
    expect(isDynamoUnavailable(null)).toBe(false);
  });

  it('tells a refusal (nothing applied) from a failure whose outcome is unknown', () => {
    expect(isDynamoRefusal(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDynamoRefusal({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })).toBe(true);
    expect(isDynamoRefusal({ name: 'TimeoutError', message: 'request timed out' })).toBe(false);
    expect(isDynamoRefusal(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(false);
    expect(isDynamoRefusal({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } })).toBe(false);
  });
});
