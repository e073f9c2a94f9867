export interface PublicPackage {
  name: string;
  dir: string;
  pkg: { name: string; version: string; [key: string]: unknown };
}
export function publicPackages(): PublicPackage[];
export function tarballName(name: string, version: string): string;
export function packAll(destination: string): Map<string, string>;
