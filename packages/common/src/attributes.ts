import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { MessageAttributeError } from './errors';
import { ORDER_CONTENT_TYPE } from './orderContract';

/** Names of the attributes every order message carries (the message contract). */
export const ATTRIBUTE = {
  storeId: 'store_id',
  contentType: 'content_type',
  correlationId: 'correlation_id',
  producer: 'producer',
  redriveCount: 'redrive_count',
} as const;

// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
export const MAX_MESSAGE_ATTRIBUTES = 10;
const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,256}$/;
const RESERVED_PREFIX = /^(aws\.|amazon\.)/i;
const DATA_TYPE_PATTERN = /^(String|Number|Binary)(\.[A-Za-z0-9_.-]{1,245})?$/;
// Number: up to 38 digits of precision, from -10^128 to 10^126.
const NUMBER_PATTERN = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

export type AttributeValue = string | number | Uint8Array;
export type OutgoingAttributes = Record<string, MessageAttributeValue>;

const checkName = (name: string): void => {
  if (!NAME_PATTERN.test(name)) {
    throw new MessageAttributeError(`attribute name "${name}" must be 1-256 of A-Z a-z 0-9 _ - .`, name);
  }
  if (RESERVED_PREFIX.test(name)) {
    throw new MessageAttributeError(`attribute name "${name}" uses a reserved AWS./Amazon. prefix`, name);
  }
  if (name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
    throw new MessageAttributeError(
      `attribute name "${name}" starts or ends with a period or doubles one`,
      name,
    );
  }
};

const significantDigits = (value: string): number =>
  value
    .replace(/[eE].*$/, '')
    .replace(/[-.]/g, '')
    .replace(/^0+/, '').length;

const checkValue = (name: string, attribute: MessageAttributeValue): void => {
  const dataType = attribute.DataType ?? '';
  if (!DATA_TYPE_PATTERN.test(dataType)) {
    throw new MessageAttributeError(`attribute "${name}" has unsupported data type "${dataType}"`, name);
  }
  if (dataType.startsWith('Binary')) {
    if (!attribute.BinaryValue || attribute.BinaryValue.length === 0) {
      throw new MessageAttributeError(`binary attribute "${name}" needs a non-empty BinaryValue`, name);
    }
    return;
  }
  const value = attribute.StringValue;
  if (value === undefined || value === '') {
    throw new MessageAttributeError(`attribute "${name}" needs a non-empty StringValue`, name);
  }
  if (dataType.startsWith('Number')) {
    const numeric = Number(value);
    if (!NUMBER_PATTERN.test(value) || !Number.isFinite(numeric) || significantDigits(value) > 38) {
      throw new MessageAttributeError(`number attribute "${name}" has invalid value "${value}"`, name);
    }
  }
};

/** Throws a MessageAttributeError when the set would be refused by SQS. */
export const validateMessageAttributes = (attributes: OutgoingAttributes): OutgoingAttributes => {
  const names = Object.keys(attributes);
  if (names.length > MAX_MESSAGE_ATTRIBUTES) {
    throw new MessageAttributeError(
      `a message carries at most ${MAX_MESSAGE_ATTRIBUTES} attributes, got ${names.length}`,
    );
  }
  for (const name of names) {
    checkName(name);
    checkValue(name, attributes[name] as MessageAttributeValue);
  }
  return attributes;
};

/** One attribute in SQS's shape: numbers as `Number`, bytes as `Binary`, anything else as `String`. */
export const outgoingAttributeValue = (value: AttributeValue): MessageAttributeValue => {
  if (typeof value === 'number') return { DataType: 'Number', StringValue: String(value) };
  if (value instanceof Uint8Array) return { DataType: 'Binary', BinaryValue: value };
  return { DataType: 'String', StringValue: value };
};

export interface OrderAttributes {
  storeId: number;
  correlationId: string;
  producer: string;
  contentType?: string;
  redriveCount?: number;
}

/** Builds and validates the attributes an order message is sent with. */
export const buildOrderAttributes = (input: OrderAttributes): OutgoingAttributes => {
  const attributes: OutgoingAttributes = {
    [ATTRIBUTE.storeId]: outgoingAttributeValue(input.storeId),
    [ATTRIBUTE.contentType]: outgoingAttributeValue(input.contentType ?? ORDER_CONTENT_TYPE),
    [ATTRIBUTE.correlationId]: outgoingAttributeValue(input.correlationId),
    [ATTRIBUTE.producer]: outgoingAttributeValue(input.producer),
  };
  if (input.redriveCount !== undefined)
    attributes[ATTRIBUTE.redriveCount] = outgoingAttributeValue(input.redriveCount);
  return validateMessageAttributes(attributes);
};

/** A Lambda SQS record's `messageAttributes` entry (aws-lambda's SQSMessageAttribute, structurally). */
export interface RecordAttribute {
  stringValue?: string | undefined;
  binaryValue?: string | undefined;
  dataType: string;
}
export type RecordAttributes = Readonly<Record<string, RecordAttribute>>;

/** Reads a Number attribute; undefined when absent, MessageAttributeError when of another type or not numeric. */
export const readNumberAttribute = (attributes: RecordAttributes, name: string): number | undefined => {
  const attribute = attributes[name];
  if (attribute === undefined) return undefined;
  if (!attribute.dataType.startsWith('Number')) {
    throw new MessageAttributeError(`attribute "${name}" must be a Number, got ${attribute.dataType}`, name);
  }
  const value = Number(attribute.stringValue);
  if (attribute.stringValue === undefined || !Number.isFinite(value)) {
    throw new MessageAttributeError(`attribute "${name}" is not a number: "${attribute.stringValue}"`, name);
  }
  return value;
};

/** Reads a String attribute; undefined when absent, MessageAttributeError when of another type. */
export const readStringAttribute = (attributes: RecordAttributes, name: string): string | undefined => {
  const attribute = attributes[name];
  if (attribute === undefined) return undefined;
  if (!attribute.dataType.startsWith('String')) {
    throw new MessageAttributeError(`attribute "${name}" must be a String, got ${attribute.dataType}`, name);
  }
  return attribute.stringValue;
};

export interface IncomingOrderAttributes {
  storeId?: number;
  contentType?: string;
  correlationId?: string;
  producer?: string;
  redriveCount?: number;
}

const definedOnly = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** Turns a record's attributes into typed values; absent ones stay absent (the caller decides). */
export const readOrderAttributes = (attributes: RecordAttributes = {}): IncomingOrderAttributes =>
  definedOnly({
    storeId: readNumberAttribute(attributes, ATTRIBUTE.storeId),
    contentType: readStringAttribute(attributes, ATTRIBUTE.contentType),
    correlationId: readStringAttribute(attributes, ATTRIBUTE.correlationId),
    producer: readStringAttribute(attributes, ATTRIBUTE.producer),
    redriveCount: readNumberAttribute(attributes, ATTRIBUTE.redriveCount),
  });

/** Converts a received record's attributes back to SQS's outgoing shape (redrive keeps them). */
export const toOutgoingAttributes = (attributes: RecordAttributes): OutgoingAttributes =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, attribute]) => [
      name,
      attribute.dataType.startsWith('Binary')
        ? { DataType: attribute.dataType, BinaryValue: Buffer.from(attribute.binaryValue ?? '', 'base64') }
        : { DataType: attribute.dataType, StringValue: attribute.stringValue },
    ]),
  );
