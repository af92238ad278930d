// Drives @auth0/mdl for the round trips in `interop/tests/js.rs`.
//
//   node auth0-mdl.mjs issue  <cases.json>   issue, then present as the holder
//   node auth0-mdl.mjs verify <cases.json>   verify a DeviceResponse as a reader
//
// The cases file is an array of cases, run in one process (starting Node
// costs more than a case); each case names every input. Keys arrive as
// PKCS#8 / SPKI PEM (as docbridge writes them) and are turned into the
// JWKs the library takes by Node's own crypto. The outcome is one line of
// JSON on stdout, an array with per case {"ok": true, ...} or
// {"ok": false, "error": "..."}; the exit status is 0 either way, so that a
// refusal is a result the Rust test asserts on.

import { readFileSync, writeFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { Document, MDoc, DeviceResponse, Verifier } from '@auth0/mdl';

const [command, casesPath] = process.argv.slice(2);
const cases = JSON.parse(readFileSync(casesPath, 'utf8'));

const privateJwk = (pem) => createPrivateKey(pem).export({ format: 'jwk' });
const publicJwk = (pem) => createPublicKey(pem).export({ format: 'jwk' });

// docbridge's claims JSON carries byte strings as base64url; the elements
// ISO/IEC 18013-5 defines as bytes become bytes again. The library itself
// turns the full-date strings of the mDL namespace into tag 1004.
const BYTE_ELEMENTS = new Set(['portrait', 'signature_usual_mark']);
const fromClaimsJson = (elements) =>
  Object.fromEntries(
    Object.entries(elements).map(([name, value]) => [
      name,
      BYTE_ELEMENTS.has(name) ? Buffer.from(value, 'base64url') : value,
    ]),
  );

// The library's decoded values in docbridge's claims JSON form: byte
// strings as base64url, full-dates as "YYYY-MM-DD", maps as objects.
const toClaimsJson = (value) => {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64url');
  if (value instanceof Date) return value.toJSON();
  if (value instanceof Map) return toClaimsJson(Object.fromEntries(value));
  if (Array.isArray(value)) return value.map(toClaimsJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toClaimsJson(v)]));
  }
  return value;
};

async function issue(input) {
  let document = new Document(input.docType);
  for (const [namespace, elements] of Object.entries(input.claims)) {
    document = document.addIssuerNameSpace(namespace, fromClaimsJson(elements));
  }
  const signParams = {
    issuerPrivateKey: privateJwk(input.dsKeyPem),
    issuerCertificate: input.dsCertificatePem,
    alg: input.alg,
  };
  // Without a kid the library writes the unprotected kid as CBOR undefined.
  if (input.kid !== null) signParams.kid = input.kid;
  const issued = await document
    .useDigestAlgorithm('SHA-256')
    .addValidityInfo({
      signed: new Date(input.signed),
      validFrom: new Date(input.validFrom),
      validUntil: new Date(input.validUntil),
    })
    .addDeviceKeyInfo({ deviceKey: publicJwk(input.devicePublicKeyPem) })
    .sign(signParams);
  const mdoc = new MDoc([issued]);
  const fields = input.wanted.map(([namespace, element]) => ({
    path: [`$['${namespace}']['${element}']`],
    intent_to_retain: false,
  }));
  const presented = await DeviceResponse.from(mdoc)
    .usingPresentationDefinition({
      id: 'docbridge-interop',
      input_descriptors: [
        {
          id: input.docType,
          format: { mso_mdoc: { alg: [input.alg] } },
          constraints: { limit_disclosure: 'required', fields },
        },
      ],
    })
    .usingSessionTranscriptBytes(Buffer.from(input.transcriptHex, 'hex'))
    .authenticateWithSignature(privateJwk(input.deviceKeyPem), input.deviceAlg)
    .sign();
  writeFileSync(input.out, presented.encode());
  return { ok: true };
}

async function verify(input) {
  const verifier = new Verifier([input.iacaPem]);
  const mdoc = await verifier.verify(readFileSync(input.response), {
    encodedSessionTranscript: Buffer.from(input.transcriptHex, 'hex'),
    disableCertificateChainValidation: input.disableCertificateChainValidation === true,
  });
  const claims = {};
  for (const document of mdoc.documents) {
    for (const namespace of document.issuerSignedNameSpaces) {
      claims[namespace] = toClaimsJson(document.getIssuerNameSpace(namespace));
    }
  }
  return { ok: true, claims };
}

const commands = { issue, verify };
if (!commands[command] || !Array.isArray(cases)) {
  console.error(`usage: node auth0-mdl.mjs issue|verify <cases.json>`);
  process.exit(2);
}
const outcomes = [];
for (const input of cases) {
  try {
    outcomes.push(await commands[command](input));
  } catch (error) {
    outcomes.push({ ok: false, error: String(error?.message ?? error) });
  }
}
console.log(JSON.stringify(outcomes));
