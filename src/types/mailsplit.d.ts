declare module 'mailsplit' {
  export class Headers {
    constructor(headers: Buffer | string);
    hasHeader(key: string): boolean;
    get(key: string): string[];
    getFirst(key: string): string;
    getDecoded(key: string): { key: string; value: string }[];
    getList(): { key: string; line: string }[];
  }
}
declare module 'nodemailer/lib/addressparser/index.js' {
  interface ParsedAddress {
    name: string;
    address?: string;
    group?: ParsedAddress[];
  }
  export default function addressparser(value: string, options?: { flatten?: boolean }): ParsedAddress[];
}
