import { isValidCheckDigits, validateNorwegianIdNumber } from 'norwegian-national-id-validator';
import { badInput } from '../errors/error-codes.js';

/**
 * A Norwegian national identity number (fødselsnummer or D-nummer): eleven digits whose two check
 * digits hold and whose date is a date (norwegian-national-id-validator). Synthetic test numbers
 * from Skatteetaten's Tenor (month + 80), which ID-porten's and HelseID's test environments send,
 * fail the library's date check, so they are accepted on their check digits.
 */
export function isNationalIdentityNumber(value: string): boolean {
  if (!/^\d{11}$/.test(value)) return false;
  if (validateNorwegianIdNumber(value)) return true;
  const month = Number(value.slice(2, 4));
  return month >= 81 && month <= 92 && isValidCheckDigits(value);
}

/** The number an input names (spaces between groups allowed), or BAD_USER_INPUT; the message never repeats it. */
export function parseNationalIdentityNumber(raw: string): string {
  const value = raw.replace(/\s/g, '');
  if (!isNationalIdentityNumber(value)) {
    throw badInput('nationalIdentityNumber is not a valid national identity number (11 digits whose check digits hold)');
  }
  return value;
}

/** `text` with every national identity number in it (11 digits standing alone, check digits holding) replaced. */
export function maskNationalIdentityNumbers(text: string): string {
  return text.replace(/(?<!\d)\d{11}(?!\d)/g, (digits) => (isNationalIdentityNumber(digits) ? '[national identity number]' : digits));
}
