import { AwsServiceError } from '../errors.js';

/**
 * A small schema language for AWS JSON 1.1 request members, and the two checks Kinesis makes
 * in order: member types (a wrong type is a SerializationException, named as the Java
 * service names it) and constraints (up to ten violations in one ValidationException, worded
 * as AWS words them).
 */
export type Shape =
  | StringShape
  | { readonly type: 'integer'; readonly min?: number; readonly max?: number }
  | { readonly type: 'boolean' }
  | { readonly type: 'blob'; readonly max?: number }
  | { readonly type: 'timestamp' }
  | ListShape
  | MapShape
  | StructureShape;

export interface StringShape {
  readonly type: 'string';
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
}

export interface ListShape {
  readonly type: 'list';
  readonly member: Shape;
  readonly min?: number;
  readonly max?: number;
  /** How AWS prints a list member in a message (Java's default toString of the entry class). */
  readonly memberLabel?: string;
}

export interface MapShape {
  readonly type: 'map';
  readonly key: StringShape;
  readonly value: StringShape;
  readonly min?: number;
  readonly max?: number;
}

export interface StructureShape {
  readonly type: 'structure';
  readonly members: Readonly<Record<string, Shape>>;
  readonly required?: readonly string[];
}

/** A parsed request: blobs are Buffers, timestamps epoch milliseconds. */
export type ParsedInput = Record<string, unknown>;

/**
 * How a wire format carries the two types JSON cannot carry natively. Each reader returns
 * `undefined` for a value of the wrong type, so the type errors stay worded in one place.
 */
export interface ScalarReaders {
  /** A blob member's bytes. */
  readonly blob: (value: unknown) => Buffer | undefined;
  /** A timestamp member, as epoch milliseconds. */
  readonly timestamp: (value: unknown) => number | undefined;
}

/** AWS JSON 1.1: blobs are base64 strings, timestamps epoch seconds. */
export const JSON_READERS: ScalarReaders = {
  blob: (value) => (typeof value === 'string' ? decodeBase64(value) : undefined),
  timestamp: (value) => (typeof value === 'number' ? value * 1000 : undefined),
};

/**
 * Checks `body` against `shape` and returns the parsed input, or throws the AwsServiceError
 * Kinesis would answer with.
 */
export function parseInput(
  shape: StructureShape,
  body: unknown,
  readers: ScalarReaders = JSON_READERS,
): ParsedInput {
  const parsed = convertStructure(shape, body ?? {}, readers);
  const violations: string[] = [];
  checkStructure(shape, parsed, '', violations);
  if (violations.length > 0) {
    const count = violations.length;
    throw new AwsServiceError(
      'ValidationException',
      `${count} validation error${count > 1 ? 's' : ''} detected: ${violations.join('; ')}`,
    );
  }
  return parsed;
}

function serializationError(message: string): AwsServiceError {
  return new AwsServiceError('SerializationException', message);
}

function describeWrongType(value: unknown, target: string): AwsServiceError {
  if (Array.isArray(value)) return serializationError('Start of list found where not expected');
  if (typeof value === 'object' && value !== null) {
    return serializationError('Start of structure or map found where not expected.');
  }
  const javaClass =
    typeof value === 'boolean'
      ? 'java.lang.Boolean'
      : typeof value === 'number'
        ? 'com.amazon.coral.value.json.numbers.TruncatingBigNumber'
        : 'java.lang.String';
  return serializationError(`class ${javaClass} can not be converted to ${target}`);
}

function convertStructure(
  shape: StructureShape,
  value: unknown,
  readers: ScalarReaders,
): ParsedInput {
  if (typeof value !== 'object' || value === null) {
    throw serializationError('Expected null');
  }
  if (Array.isArray(value)) throw serializationError('Start of list found where not expected');
  const input = value as Record<string, unknown>;
  const output: ParsedInput = {};
  for (const [name, member] of Object.entries(shape.members)) {
    const raw = input[name];
    if (raw === undefined || raw === null) continue;
    output[name] = convert(member, raw, readers);
  }
  return output;
}

function convert(shape: Shape, value: unknown, readers: ScalarReaders): unknown {
  switch (shape.type) {
    case 'string':
      if (typeof value !== 'string') throw describeWrongType(value, 'an String');
      return value;
    case 'integer':
      if (typeof value !== 'number') throw describeWrongType(value, 'an Integer');
      return Math.min(Math.floor(value), 2_147_483_647);
    case 'boolean':
      if (typeof value !== 'boolean') {
        if (typeof value === 'string') {
          throw serializationError(`'${value.toUpperCase()}' can not be converted to an Boolean`);
        }
        throw describeWrongType(value, 'an Boolean');
      }
      return value;
    case 'blob': {
      const bytes = readers.blob(value);
      if (bytes === undefined) throw describeWrongType(value, 'a Blob');
      return bytes;
    }
    case 'timestamp': {
      const ms = readers.timestamp(value);
      if (ms === undefined) throw describeWrongType(value, 'milliseconds since epoch');
      return ms;
    }
    case 'list':
      if (!Array.isArray(value)) {
        if (typeof value === 'object' && value !== null) {
          throw serializationError('Start of structure or map found where not expected.');
        }
        throw serializationError('Expected list or null');
      }
      return value.map((item) => (item === null ? null : convert(shape.member, item, readers)));
    case 'map': {
      if (typeof value !== 'object' || value === null) {
        throw serializationError('Expected map or null');
      }
      if (Array.isArray(value)) throw serializationError('Start of list found where not expected');
      // No prototype: a key such as `__proto__` is data like any other.
      const output: Record<string, unknown> = Object.create(null);
      for (const [key, item] of Object.entries(value)) {
        if (item !== null) output[key] = convert(shape.value, item, readers);
      }
      return output;
    }
    case 'structure':
      if (typeof value !== 'object' || value === null) throw serializationError('Expected null');
      return convertStructure(shape, value, readers);
  }
}

const BASE64_VALUES = new Map(
  [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]),
);

/**
 * Strict base64, as the Java service decodes it. Node's decoder skips characters it does not
 * know, so a decoded length short of what the text promises reveals a bad character without
 * scanning every valid blob twice.
 */
function decodeBase64(text: string): Buffer {
  const fail = (reason: string) =>
    serializationError(`'${preview(text)}' can not be converted to a Blob: ${reason}`);
  if (text.length % 4 !== 0) {
    throw fail(`Base64 encoded length is expected a multiple of 4 bytes but found: ${text.length}`);
  }
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = Buffer.from(text, 'base64');
  if (
    bytes.length !== (text.length / 4) * 3 - padding ||
    text.slice(0, -padding || undefined).includes('=')
  ) {
    const bad = /[^A-Za-z0-9+/=]|=[^=]/.exec(text)?.[0]?.[0] ?? '=';
    throw fail(`Invalid Base64 character: '${bad}'`);
  }
  // The bits of the last character that pad the final byte must be zero.
  if (padding > 0) {
    const last = BASE64_VALUES.get(text.charAt(text.length - padding - 1)) ?? 0;
    if ((last & (padding === 2 ? 0x0f : 0x03)) !== 0) {
      throw fail('Invalid last non-pad Base64 character dectected');
    }
  }
  return bytes;
}

function preview(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
}

const patterns = new Map<string, RegExp>();

function compiled(pattern: string): RegExp {
  let regex = patterns.get(pattern);
  if (regex === undefined) {
    regex = new RegExp(`^(?:${pattern})$`);
    patterns.set(pattern, regex);
  }
  return regex;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function checkStructure(
  shape: StructureShape,
  value: ParsedInput,
  path: string,
  violations: string[],
): void {
  for (const name of shape.required ?? []) {
    if (value[name] === undefined) {
      pushViolation(violations, null, `${path}${lowerFirst(name)}`, 'Member must not be null');
    }
  }
  for (const [name, member] of Object.entries(shape.members)) {
    const item = value[name];
    if (item !== undefined) check(member, item, `${path}${lowerFirst(name)}`, violations);
  }
}

function check(shape: Shape, value: unknown, path: string, violations: string[]): void {
  if (violations.length >= 10) return;
  switch (shape.type) {
    case 'string': {
      const text = value as string;
      checkBounds(text.length, shape, text, path, violations, 'length');
      if (shape.pattern !== undefined && !compiled(shape.pattern).test(text)) {
        pushViolation(
          violations,
          text,
          path,
          `Member must satisfy regular expression pattern: ${shape.pattern}`,
        );
      }
      if (shape.enum !== undefined && !shape.enum.includes(text)) {
        pushViolation(
          violations,
          text,
          path,
          `Member must satisfy enum value set: [${shape.enum.join(', ')}]`,
        );
      }
      return;
    }
    case 'integer': {
      const number = value as number;
      checkBounds(number, shape, String(number), path, violations, 'value');
      return;
    }
    case 'blob': {
      const bytes = value as Buffer;
      const label = `java.nio.HeapByteBuffer[pos=0 lim=${bytes.length} cap=${bytes.length}]`;
      checkBounds(bytes.length, shape, label, path, violations, 'length');
      return;
    }
    case 'list': {
      const items = value as unknown[];
      const label = `[${items.map((item) => shape.memberLabel ?? String(item)).join(', ')}]`;
      checkBounds(items.length, shape, label, path, violations, 'length');
      items.forEach((item, index) => {
        const itemPath = `${path}.${index + 1}.member`;
        if (item === null) pushViolation(violations, null, itemPath, 'Member must not be null');
        else check(shape.member, item, itemPath, violations);
      });
      return;
    }
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>);
      const label = `{${entries.map(([key, item]) => `${key}=${item}`).join(', ')}}`;
      checkBounds(entries.length, shape, label, path, violations, 'length');
      // Keys and values are checked as a whole, as AWS reports them: against the map.
      const outside = (text: string, bounds: StringShape) =>
        text.length < (bounds.min ?? 0) || text.length > (bounds.max ?? Number.POSITIVE_INFINITY);
      const describeBounds = (bounds: StringShape) =>
        `[Member must have length less than or equal to ${bounds.max}, Member must have length greater than or equal to ${bounds.min}]`;
      if (entries.some(([key]) => outside(key, shape.key))) {
        pushViolation(
          violations,
          label,
          path,
          `Map keys must satisfy constraint: ${describeBounds(shape.key)}`,
        );
      }
      if (entries.some(([, item]) => outside(item as string, shape.value))) {
        pushViolation(
          violations,
          label,
          path,
          `Map value must satisfy constraint: ${describeBounds(shape.value)}`,
        );
      }
      return;
    }
    case 'structure':
      checkStructure(shape, value as ParsedInput, `${path}.`, violations);
      return;
    default:
      return;
  }
}

/** A value (integers) or a length (strings, blobs, lists, maps) against its shape's bounds. */
function checkBounds(
  measure: number,
  shape: { readonly min?: number; readonly max?: number },
  label: string,
  path: string,
  violations: string[],
  noun: 'value' | 'length',
): void {
  if (shape.min !== undefined && measure < shape.min) {
    pushViolation(
      violations,
      label,
      path,
      `Member must have ${noun} greater than or equal to ${shape.min}`,
    );
  }
  if (shape.max !== undefined && measure > shape.max) {
    pushViolation(
      violations,
      label,
      path,
      `Member must have ${noun} less than or equal to ${shape.max}`,
    );
  }
}

function pushViolation(
  violations: string[],
  value: unknown,
  path: string,
  constraint: string,
): void {
  if (violations.length >= 10) return;
  const shown = value === null ? 'null' : `'${value}'`;
  violations.push(`Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
}
