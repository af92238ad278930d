"""Runs every case of test-vectors/ through the Python bindings, then the
holder, consent and error checks. Usage: test_bindings.py GENERATED_DIR VECTORS_DIR.
The last line printed is "N passed, M failed"; the exit status is 1 on any failure."""

import datetime
import json
import os
import sys

sys.path.insert(0, sys.argv[1])
import docbridge_ffi as db  # noqa: E402

VECTORS = sys.argv[2]
passed = 0
failed = 0


def record(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok {name}")
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def read(path):
    with open(os.path.join(VECTORS, path), "rb") as f:
        return f.read()


def source(src):
    """A file path, or synthetic bytes {prefix, fill, length}."""
    if isinstance(src, str):
        return read(src)
    prefix = bytes.fromhex(src["prefix"])
    return prefix + bytes.fromhex(src["fill"]) * (src["length"] - len(prefix))


def instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def build_verifier(config):
    store = None
    if config["trustLists"] or config["operatorRoots"] or config.get("vicals") or config.get("vicalAnchors"):
        store = db.TrustStore()
        for root in config["operatorRoots"]:
            store.pin_operator(root["country"], read(root["certificate"]))
        for anchor in config.get("vicalAnchors", []):
            store.pin_vical_provider(anchor["provider"], read(anchor["certificate"]))
    iacas = [
        db.TrustedIaca(id=i["id"], country=i["country"], name=i["name"],
                       certificate=read(i["certificate"]), doc_types=i["docTypes"])
        for i in config["trustedIacas"]
    ]
    return store, iacas


def make_verifier(config, now):
    store, iacas = build_verifier(config)
    if store is not None:
        for update in config["trustLists"]:
            store.update(source(update), now)
        for vical in config.get("vicals", []):
            store.update_vical(source(vical), now)
    policy = config["acceptancePolicy"]
    if policy == "all":
        acceptance = db.Acceptance.ALL()
    else:
        acceptance = db.Acceptance.LISTED(
            countries=policy["countries"],
            pairs=[db.CountryDocType(country=p["country"], doc_type=p["docType"]) for p in policy["pairs"]])
    settings = db.VerifierSettings(
        acceptance=acceptance, clock_skew_seconds=config["clockSkewSeconds"],
        allow_missing_status_token=config["statusPolicy"]["allowMissingToken"],
        accept_other_status_values=config["statusPolicy"]["acceptOtherValues"],
        crl_policy=db.CrlPolicy(allow_unchecked=config["crlPolicy"]["allowUnchecked"]) if config.get("crlPolicy") else None)
    return db.Verifier(store, iacas, settings)


def fetched_crls(config):
    return [db.FetchedCrl(distribution_point=c["distributionPoint"], crl=source(c["crl"]))
            for c in config.get("crls") or []]


REVOCATION = {db.CertificateRevocation.GOOD: "good", db.CertificateRevocation.NOT_CHECKED: "not_checked"}


def status_name(status):
    if status.is_NOT_REFERENCED():
        return "not_referenced"
    if status.is_VALID():
        return "valid"
    if status.is_NOT_CHECKED():
        return "not_checked"
    return f"other:{status.value}"


def document_outcome(doc):
    outcome = {"valid": True, "docType": doc.doc_type, "issuingCountry": doc.issuing_country,
               "status": status_name(doc.status), "claims": json.loads(doc.claims_json)}
    if doc.certificate_revocation != db.CertificateRevocation.DISABLED:
        outcome["certificateRevocation"] = REVOCATION[doc.certificate_revocation]
    return outcome


def per_document(outcome):
    if outcome.is_REFUSED():
        return {"valid": False, "error": outcome.code}
    return document_outcome(outcome.document)


POLICY = db.WalletPolicy(require_reader_auth=False, report_unreturned=db.ReportUnreturnedTo.AUTHENTICATED_READERS)


def run_case(case):
    now = instant(case["now"])
    kind, inp = case["kind"], case["input"]
    if kind in ("issuer_signed", "status"):
        verifier = make_verifier(case["verifier"], now)
        token = source(inp["statusToken"]) if "statusToken" in inp else None
        listed = source(inp["identifierListToken"]) if "identifierListToken" in inp else None
        return document_outcome(verifier.verify_issuer_signed(
            source(inp["document"]), token, now, listed, fetched_crls(case["verifier"])))
    if kind == "device_response":
        verifier = make_verifier(case["verifier"], now)
        key = db.EphemeralKey.from_pkcs8_pem(read(inp["readerKey"]).decode()) if "readerKey" in inp else None
        tokens = [db.StatusToken(uri=t["uri"], token=source(t["token"])) for t in inp.get("statusTokens", [])]
        transcript = source(inp["transcript"])
        response = source(inp["response"])
        if "hpkeKey" in inp:
            hpke_key = db.EphemeralKey.from_pkcs8_pem(read(inp["hpkeKey"]).decode())
            response = db.open_dcapi_response(response, transcript, hpke_key)
        outcomes = verifier.verify_device_response_documents(response, transcript, key, tokens, now,
                                                             crls=fetched_crls(case["verifier"]))
        if len(outcomes) == 1:
            return per_document(outcomes[0])
        return {"valid": True, "documents": [per_document(o) for o in outcomes]}
    if kind == "device_request":
        roots = [db.ReaderRoot(label=p, certificate=read(p)) for p in inp["readerRoots"]]
        request = db.Wallet([], POLICY).read_request(source(inp["request"]), source(inp["transcript"]), roots, now)
        for doc in request.documents():
            if doc.reader_error is not None:
                return {"valid": False, "error": doc.reader_error}
        return {"valid": True, "docTypes": [d.doc_type for d in request.documents()]}
    if kind == "trust_list":
        store = db.TrustStore()
        for root in inp["operatorRoots"]:
            store.pin_operator(root["country"], read(root["certificate"]))
        if "savedState" in inp:
            store.load(source(inp["savedState"]), now)
        last = None
        for update in inp["updates"]:
            last = store.update(source(update), now)
        return {"valid": True, "operatorCountry": last.source.operator, "sequence": last.source.sequence,
                "outcome": "replaced" if last.replaced else "unchanged",
                "authorities": [{"id": a.id, "country": a.country, "docTypes": a.doc_types}
                                for a in store.listed_authorities(last.source.operator)]}
    if kind == "session":
        key = db.EphemeralKey.from_pkcs8_pem(read(inp["privateKey"]).decode())
        transcript = source(inp["transcript"])
        received = []
        if inp["role"] == "device":
            session = db.DeviceSession.establish(key, source(inp["establishment"]), transcript)
            received.append(db.SessionMessage(data=session.first_request(), status=None))
            decrypt = session.decrypt_request
        else:
            peer = db.cose_key_from_pem(read(inp["peerPublicKey"]).decode())
            session = db.ReaderSession(key, peer, transcript)
            decrypt = session.decrypt_response
        for message in inp["messages"]:
            received.append(decrypt(source(message)))
        out = []
        for r in received:
            entry = {}
            if r.data is not None:
                entry["data"] = bytes(r.data)
            if r.status is not None:
                entry["status"] = r.status
            out.append(entry)
        return {"valid": True, "received": out}
    raise ValueError(f"unknown kind {kind}")


def expected_of(case):
    expected = dict(case["expected"])
    if case["kind"] == "session" and "received" in expected:
        expected["received"] = [
            {k: (read(v) if k == "data" else v) for k, v in entry.items()} for entry in expected["received"]]
    return expected


manifest = json.loads(read("manifest.json"))
for case in manifest["cases"]:
    expected = expected_of(case)
    try:
        actual = run_case(case)
    except db.DocbridgeError.Refused as e:
        actual = {"valid": False, "error": e.code}
    record(case["id"], actual == expected, f"expected {expected}, got {actual}")
print(f"vectors: {passed} passed, {failed} failed, of {len(manifest['cases'])} manifest cases")

# ----- the holder round trip, the consent filter and the error mapping -----
NOW = datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.timezone.utc)
FROM = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
UNTIL = datetime.datetime(2031, 1, 1, tzinfo=datetime.timezone.utc)
MDL = "org.iso.18013.5.1.mDL"
NS = "org.iso.18013.5.1"


class PythonSigner(db.DeviceSigner):
    """A DeviceSigner written in Python: it delegates to a software key and
    hands back the signature; every call crosses the FFI."""

    def __init__(self, key):
        self.key = key
        self.calls = 0

    def algorithm(self):
        return self.key.algorithm()

    def public_key(self):
        return self.key.public_key()

    def sign(self, data):
        self.calls += 1
        return self.key.sign(data)


authority = db.DemoAuthority.generate("UA", "Diia Python", db.SigningAlgorithm.ES256, [MDL], FROM, UNTIL)
signer = PythonSigner(db.DeviceKey.generate(db.SigningAlgorithm.ES256))
claims = json.dumps({NS: {"family_name": "Shevchenko", "given_name": "Olena", "birth_date": "1990-02-03",
                          "age_over_18": True, "issuing_country": "UA"}})
issued = authority.issuer().issue(MDL, claims, signer.algorithm(), signer.public_key(),
                                  datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc),
                                  datetime.datetime(2027, 11, 1, tzinfo=datetime.timezone.utc))
wallet = db.Wallet([issued], POLICY)
transcript = db.backend_nonce_transcript("mObywatel backend", bytes(range(16)))
request_bytes = db.build_device_request(
    [db.DocumentItems(doc_type=MDL, elements=[
        db.ItemToRequest(namespace=NS, identifier=name, intent_to_retain=False)
        for name in ("family_name", "birth_date", "age_over_18")])],
    None, [], transcript)
request = wallet.read_request(request_bytes, transcript, [], NOW)
docs = request.documents()
record("holder: the request is read", len(docs) == 1 and docs[0].held and docs[0].reader_error == "reader_auth_missing"
       and sorted(e.identifier for e in docs[0].elements) == ["age_over_18", "birth_date", "family_name"],
       f"{docs}")
consent = [db.Consent(doc_type=MDL, elements=[db.ElementId(namespace=NS, identifier="family_name"),
                                              db.ElementId(namespace=NS, identifier="age_over_18")])]
response = wallet.respond(request, consent, [signer])
verifier = db.Verifier(None, [db.TrustedIaca(id=authority.id(), country="UA", name="Diia Python",
                                             certificate=authority.iaca_certificate_pem().encode(),
                                             doc_types=[MDL])],
                       db.VerifierSettings(acceptance=db.Acceptance.ALL(), clock_skew_seconds=300,
                                           allow_missing_status_token=False, accept_other_status_values=False))
verified = verifier.verify_device_response(response, transcript, None, [], NOW)[0]
record("holder: round trip with a Python DeviceSigner", verified.holder_bound and signer.calls == 1
       and json.loads(verified.claims_json) == {NS: {"family_name": "Shevchenko", "age_over_18": True}},
       f"{verified}, {signer.calls} calls")
# The declined birth_date is reported as not returned (by name, as ISO/IEC
# 18013-5 does for any element not returned); its value never leaves.
record("consent: the declined element is absent from the response bytes",
       b"1990-02-03" not in response and b"Olena" not in response and b"Shevchenko" in response,
       "a declined or unrequested value found")
nothing = wallet.respond(request, [], [signer])
record("consent: nothing approved, no document",
       b"issuerSigned" not in nothing and b"deviceSigned" not in nothing, nothing.hex())
# OpenID4VP 1.0, direct_post.jwt: the verifier's request, the wallet's
# consent (the same approval), the encrypted answer read back and verified.
CLIENT = "x509_san_dns:wynajem.example.pl"
oid_request = db.Openid4vpVerifierRequest(
    CLIENT, db.Openid4vpResponseMode.DIRECT_POST(response_uri="https://wynajem.example.pl/oid4vp/response"),
    json.dumps({"credentials": [{"id": "licence", "format": "mso_mdoc", "meta": {"doctype_value": MDL},
                                 "claims": [{"path": [NS, name]} for name in ("family_name", "birth_date", "age_over_18")]}]}),
    True)
oid_read = wallet.read_openid4vp_request(oid_request.request_json(), None, NOW)
oid_docs = oid_read.documents()
record("openid4vp: the request is read", len(oid_docs) == 1 and oid_docs[0].reader_error == "reader_auth_missing"
       and sorted(e.identifier for e in oid_docs[0].elements) == ["age_over_18", "birth_date", "family_name"]
       and oid_read.client_id() == CLIENT and oid_read.unanswered() == [], f"{oid_docs}")
oid_answer = wallet.respond_openid4vp(oid_read, consent, [signer])
oid_presentations = oid_request.read_response(oid_answer)
oid_verified = verifier.verify_device_response(oid_presentations[0].device_responses[0],
                                               oid_request.session_transcript(), None, [], NOW)[0]
record("openid4vp: round trip, the answer encrypted, only the approved elements",
       [p.query_id for p in oid_presentations] == ["licence"] and "Shevchenko" not in oid_answer
       and oid_verified.holder_bound
       and json.loads(oid_verified.claims_json) == {NS: {"family_name": "Shevchenko", "age_over_18": True}},
       f"{oid_verified}")
try:
    verifier.verify_device_response(response, db.backend_nonce_transcript("another backend", bytes(16)), None, [], NOW)
    record("errors: a replayed response is refused", False, "accepted")
except db.DocbridgeError.Refused as e:
    record("errors: a replayed response is refused", e.code == "device_signature_invalid"
           and e.reason.startswith("device signature does not verify"), f"{e.code}: {e.reason}")
try:
    db.backend_nonce_transcript("x", b"short")
    record("errors: code and message", False, "accepted")
except db.DocbridgeError.Refused as e:
    # str(e) is the readable message (the generated class is finished by
    # bindings/finish-generated.py), not a dump of the fields.
    record("errors: code and message", e.code == "invalid_argument" and e.reason == "invalid argument: nonce shorter than 16 bytes"
           and str(e) == e.reason, f"{e.code}: {e.reason} / {e}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
