// Drives @owf/mdoc for the byte-equality checks in `interop/tests/owf_mdoc.rs`.
//
//   node owf-mdoc.mjs reencode <cases.json>
//
// Each case is {"kind", "hex"}: the library decodes the structure docbridge
// wrote and encodes it again; the Rust test asserts the bytes are the same
// and that the library read the same fields. The outcome is one line of
// JSON on stdout, an array with per case {"ok": true, "hex", "fields"} or
// {"ok": false, "error"}; the exit status is 0 either way, so that a
// refusal is a result the Rust test asserts on.

import { readFileSync } from 'node:fs';
import {
  DeviceEngagement,
  DeviceRequest,
  DeviceResponse,
  IssuerSigned,
  SessionTranscript,
} from '@owf/mdoc';

const [command, casesPath] = process.argv.slice(2);
if (command !== 'reencode') {
  console.error(`unknown command ${command}`);
  process.exit(2);
}
const cases = JSON.parse(readFileSync(casesPath, 'utf8'));

const KINDS = { DeviceEngagement, DeviceRequest, DeviceResponse, IssuerSigned, SessionTranscript };

// What the library read, in a form the Rust test compares with its own.
const fields = (kind, value) => {
  switch (kind) {
    case 'DeviceResponse':
      return {
        version: value.version,
        status: value.status,
        docTypes: (value.documents ?? []).map((d) => d.docType),
        oid4vp: value.encodedForOid4Vp,
      };
    case 'DeviceRequest':
      return {
        version: value.version,
        docTypes: value.docRequests.map((r) => r.itemsRequest.docType),
      };
    case 'DeviceEngagement':
      return { version: value.version };
    default:
      return {};
  }
};

const outcomes = cases.map(({ kind, hex }) => {
  try {
    const decoded = KINDS[kind].decode(Buffer.from(hex, 'hex'));
    return {
      ok: true,
      hex: Buffer.from(decoded.encode()).toString('hex'),
      fields: fields(kind, decoded),
    };
  } catch (error) {
    return { ok: false, error: String(error?.stack ?? error) };
  }
});
console.log(JSON.stringify(outcomes));
