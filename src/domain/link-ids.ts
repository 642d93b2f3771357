import { randomBytes } from 'node:crypto';
import type { Quality } from './ranks';

/**
 * Turns a link type into the middle of a link id: spaces, "/" and "-" become "_", "%" becomes
 * "pct", anything else outside [A-Za-z0-9_] is dropped. (Ids with spaces broke the old bot.)
 */
export function sanitizeLinkType(linkType: string): string {
  return linkType
    .trim()
    .replace(/[\s/-]/g, '_')
    .replace(/%/g, 'pct')
    .replace(/[^A-Za-z0-9_]/g, '');
}

/**
 * `{quality}_{sanitized type}_{suffix}`. The suffix is the time in base 36 (so ids of one type
 * sort roughly by age) and 48 random bits, so 50 links added in one millisecond never collide.
 */
export function newLinkId(quality: Quality, linkType: string, now: number = Date.now()): string {
  return `${quality}_${sanitizeLinkType(linkType)}_${now.toString(36)}${randomBytes(6).toString('hex')}`;
}

/**
 * `{quality}_{sanitized type}_{key}{n}`: the ids of the n-th link added by one request (`key`, the
 * interaction's id), the same every time that request is retried.
 */
export function keyedLinkId(quality: Quality, linkType: string, key: string, index: number): string {
  return `${quality}_${sanitizeLinkType(linkType)}_k${key.replace(/[^A-Za-z0-9]/g, '')}n${index.toString(36)}`;
}
