import { generateKeyPairSync } from "node:crypto";

/** A throwaway App private key: the simulator accepts any App JWT, but Probot must sign one. */
export function newPrivateKey(): string {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
}
