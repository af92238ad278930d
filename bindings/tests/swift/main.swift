// Runs every case of test-vectors/ through the Swift bindings, then a holder
// round trip whose DeviceSigner is a Swift class (delegating to a software
// key of the bindings: Linux Swift has no CryptoKit), the consent filter and
// the error mapping. Usage: swift_test VECTORS_DIR. Last line: "N passed, M failed".

import Foundation

var passed = 0
var failed = 0

func record(_ name: String, _ ok: Bool, _ detail: @autoclosure () -> String) {
    if ok { passed += 1; print("ok \(name)") } else { failed += 1; print("FAIL \(name): \(detail())") }
}

let vectors = URL(fileURLWithPath: CommandLine.arguments[1])

func read(_ path: String) -> Data {
    guard let data = try? Data(contentsOf: vectors.appendingPathComponent(path)) else {
        fatalError("cannot read \(path)")
    }
    return data
}

func text(_ path: String) -> String { String(decoding: read(path), as: UTF8.self) }

typealias Json = [String: Any]

/// A file path, or synthetic bytes {prefix, fill, length}.
func source(_ src: Any) -> Data {
    if let path = src as? String { return read(path) }
    let o = src as! Json
    var out = hex(o["prefix"] as! String)
    let fill = hex(o["fill"] as! String)[0]
    out.append(Data(repeating: fill, count: (o["length"] as! Int) - out.count))
    return out
}

func hex(_ s: String) -> Data {
    var data = Data()
    var i = s.startIndex
    while i < s.endIndex {
        let j = s.index(i, offsetBy: 2)
        data.append(UInt8(s[i..<j], radix: 16)!)
        i = j
    }
    return data
}

func instant(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

func makeVerifier(_ config: Json, _ now: Date) throws -> Verifier {
    var store: TrustStore? = nil
    let lists = config["trustLists"] as! [Any]
    let roots = config["operatorRoots"] as! [Json]
    let vicals = (config["vicals"] as? [Any]) ?? []
    let anchors = (config["vicalAnchors"] as? [Json]) ?? []
    if !lists.isEmpty || !roots.isEmpty || !vicals.isEmpty || !anchors.isEmpty {
        let s = TrustStore()
        for root in roots { try s.pinOperator(country: root["country"] as! String, root: read(root["certificate"] as! String)) }
        for anchor in anchors { try s.pinVicalProvider(provider: anchor["provider"] as! String, anchor: read(anchor["certificate"] as! String)) }
        for list in lists { _ = try s.update(signedList: source(list), now: now) }
        for vical in vicals { _ = try s.updateVical(vical: source(vical), now: now) }
        store = s
    }
    let iacas = (config["trustedIacas"] as! [Json]).map {
        TrustedIaca(id: $0["id"] as! String, country: $0["country"] as! String, name: $0["name"] as! String,
                    certificate: read($0["certificate"] as! String), docTypes: $0["docTypes"] as! [String])
    }
    var acceptance = Acceptance.all
    if let policy = config["acceptancePolicy"] as? Json {
        acceptance = .listed(countries: policy["countries"] as! [String], pairs: (policy["pairs"] as! [Json]).map {
            CountryDocType(country: $0["country"] as! String, docType: $0["docType"] as! String)
        })
    }
    let status = config["statusPolicy"] as! Json
    let crlPolicy = (config["crlPolicy"] as? Json).map { CrlPolicy(allowUnchecked: $0["allowUnchecked"] as! Bool) }
    return try Verifier(store: store, iacas: iacas, settings: VerifierSettings(
        acceptance: acceptance, clockSkewSeconds: UInt32(config["clockSkewSeconds"] as! Int),
        allowMissingStatusToken: status["allowMissingToken"] as! Bool,
        acceptOtherStatusValues: status["acceptOtherValues"] as! Bool, crlPolicy: crlPolicy))
}

func fetchedCrls(_ config: Json) -> [FetchedCrl] {
    ((config["crls"] as? [Json]) ?? []).map {
        FetchedCrl(distributionPoint: $0["distributionPoint"] as! String, crl: source($0["crl"]!))
    }
}

func statusName(_ s: DocumentStatus) -> String {
    switch s {
    case .notReferenced: return "not_referenced"
    case .valid: return "valid"
    case .notChecked: return "not_checked"
    case .other(let value): return "other:\(value)"
    }
}

func parse(_ json: String) -> Any { try! JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed]) }

func perDocument(_ outcome: DocumentOutcome) -> Json {
    switch outcome {
    case .valid(let document): return documentOutcome(document)
    case .refused(let code, _): return ["valid": false, "error": code]
    }
}

func documentOutcome(_ d: VerifiedDocument) -> Json {
    var outcome: Json = ["valid": true, "docType": d.docType, "issuingCountry": d.issuingCountry,
                         "status": statusName(d.status), "claims": parse(d.claimsJson)]
    switch d.certificateRevocation {
    case .good: outcome["certificateRevocation"] = "good"
    case .notChecked: outcome["certificateRevocation"] = "not_checked"
    case .disabled: break
    }
    return outcome
}

func b64(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
}

let policy = WalletPolicy(requireReaderAuth: false, reportUnreturned: .authenticatedReaders)

func runCase(_ c: Json) throws -> Json {
    let now = instant(c["now"] as! String)
    let input = c["input"] as! Json
    switch c["kind"] as! String {
    case "issuer_signed", "status":
        let verifier = try makeVerifier(c["verifier"] as! Json, now)
        let token = input["statusToken"].map(source)
        let listed = input["identifierListToken"].map(source)
        return documentOutcome(try verifier.verifyIssuerSigned(issuerSigned: source(input["document"]!), statusToken: token, now: now,
                                                               identifierListToken: listed, crls: fetchedCrls(c["verifier"] as! Json)))
    case "device_response":
        let verifier = try makeVerifier(c["verifier"] as! Json, now)
        let key = try (input["readerKey"] as? String).map { try EphemeralKey.fromPkcs8Pem(pem: text($0)) }
        let tokens = ((input["statusTokens"] as? [Json]) ?? []).map { StatusToken(uri: $0["uri"] as! String, token: source($0["token"]!)) }
        let transcript = source(input["transcript"]!)
        var response = source(input["response"]!)
        if let hpkeKey = input["hpkeKey"] as? String {
            response = try openDcapiResponse(encryptedResponse: response, transcript: transcript,
                                             readerKey: EphemeralKey.fromPkcs8Pem(pem: text(hpkeKey)))
        }
        let outcomes = try verifier.verifyDeviceResponseDocuments(deviceResponse: response, transcript: transcript,
                                                                  readerEphemeralKey: key, statusTokens: tokens, now: now,
                                                                  crls: fetchedCrls(c["verifier"] as! Json))
        if outcomes.count == 1 { return perDocument(outcomes[0]) }
        return ["valid": true, "documents": outcomes.map(perDocument)]
    case "device_request":
        let roots = (input["readerRoots"] as! [String]).map { ReaderRoot(label: $0, certificate: read($0)) }
        let request = try Wallet(documents: [], policy: policy).readRequest(request: source(input["request"]!), transcript: source(input["transcript"]!),
                                               readerRoots: roots, now: now)
        if let error = request.documents().compactMap({ $0.readerError }).first { return ["valid": false, "error": error] }
        return ["valid": true, "docTypes": request.documents().map { $0.docType }]
    case "trust_list":
        let store = TrustStore()
        for root in input["operatorRoots"] as! [Json] {
            try store.pinOperator(country: root["country"] as! String, root: read(root["certificate"] as! String))
        }
        if let saved = input["savedState"] { _ = try store.load(saved: source(saved), now: now) }
        var last: TrustUpdate? = nil
        for update in input["updates"] as! [Any] { last = try store.update(signedList: source(update), now: now) }
        let s = last!.source
        return ["valid": true, "operatorCountry": s.operator, "sequence": Int(s.sequence),
                "outcome": last!.replaced ? "replaced" : "unchanged",
                "authorities": store.listedAuthorities(country: s.operator).map {
                    ["id": $0.id, "country": $0.country, "docTypes": $0.docTypes] as Json
                }]
    case "session":
        let key = try EphemeralKey.fromPkcs8Pem(pem: text(input["privateKey"] as! String))
        let transcript = source(input["transcript"]!)
        var received: [SessionMessage] = []
        let decrypt: (Data) throws -> SessionMessage
        if input["role"] as! String == "device" {
            let session = try DeviceSession.establish(deviceKey: key, establishment: source(input["establishment"]!), transcript: transcript)
            received.append(SessionMessage(data: session.firstRequest(), status: nil))
            decrypt = { try session.decryptRequest(sessionData: $0) }
        } else {
            let peer = try coseKeyFromPem(pem: text(input["peerPublicKey"] as! String))
            let session = try ReaderSession(readerKey: key, deviceKeyCose: peer, transcript: transcript)
            decrypt = { try session.decryptResponse(sessionData: $0) }
        }
        for message in input["messages"] as! [Any] { received.append(try decrypt(source(message))) }
        return ["valid": true, "received": received.map { r -> Json in
            var entry: Json = [:]
            if let data = r.data { entry["data"] = b64(data) }
            if let status = r.status { entry["status"] = Int(status) }
            return entry
        }]
    default:
        fatalError("unknown kind")
    }
}

/// The expected outcome, session plaintext files read and written as base64url.
func expectedOf(_ c: Json) -> Json {
    var expected = c["expected"] as! Json
    if c["kind"] as! String == "session", let received = expected["received"] as? [Json] {
        expected["received"] = received.map { entry -> Json in
            var e = entry
            if let path = e["data"] as? String { e["data"] = b64(read(path)) }
            return e
        }
    }
    return expected
}

/// Compares two outcomes as canonical JSON text (sorted keys), so that Swift
/// values and Foundation's parsed ones (NSNumber booleans) compare alike.
func canonical(_ value: Any) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
}

func same(_ a: Any, _ b: Any) -> Bool { canonical(a) == canonical(b) }

/// A device signer written in Swift. Linux has no Secure Enclave or
/// CryptoKit, so it delegates the arithmetic to a software key of the
/// bindings; the callback still crosses the FFI as a Secure Enclave one would.
final class SwiftSigner: DeviceSigner, @unchecked Sendable {
    let key = DeviceKey.generate(algorithm: .es256)
    var calls = 0
    func algorithm() -> SigningAlgorithm { key.algorithm() }
    func publicKey() -> Data { try! key.publicKey() }
    func sign(data: Data) throws -> Data { calls += 1; return try key.sign(data: data) }
}

final class CancelledSigner: DeviceSigner, @unchecked Sendable {
    let inner: SwiftSigner
    init(_ inner: SwiftSigner) { self.inner = inner }
    func algorithm() -> SigningAlgorithm { inner.algorithm() }
    func publicKey() -> Data { inner.publicKey() }
    func sign(data: Data) throws -> Data { throw DocbridgeError.Refused(code: "signing_failed", reason: "the user cancelled") }
}

func holderChecks() throws {
    let now = instant("2026-11-29T12:00:00Z")
    let mdl = "org.iso.18013.5.1.mDL", ns = "org.iso.18013.5.1"
    let authority = try DemoAuthority.generate(country: "UA", name: "Diia Swift", algorithm: .es256, docTypes: [mdl],
                                               notBefore: instant("2026-01-01T00:00:00Z"), notAfter: instant("2031-01-01T00:00:00Z"))
    let signer = SwiftSigner()
    let claims = "{\"\(ns)\": {\"family_name\": \"Shevchenko\", \"given_name\": \"Olena\", \"birth_date\": \"1990-02-03\", \"age_over_18\": true, \"issuing_country\": \"UA\"}}"
    let issued = try authority.issuer().issue(docType: mdl, claimsJson: claims, deviceAlgorithm: signer.algorithm(),
                                              devicePublicKey: signer.publicKey(), validFrom: instant("2026-11-01T00:00:00Z"),
                                              validUntil: instant("2027-11-01T00:00:00Z"))
    let wallet = try Wallet(documents: [issued], policy: policy)
    let transcript = try backendNonceTranscript(verifier: "mObywatel backend", nonce: Data(0..<16))
    let requestBytes = try buildDeviceRequest(documents: [DocumentItems(docType: mdl, elements: ["family_name", "birth_date", "age_over_18"].map {
        ItemToRequest(namespace: ns, identifier: $0, intentToRetain: false)
    })], readerKeyPem: nil, readerChain: [], transcript: transcript)
    let request = try wallet.readRequest(request: requestBytes, transcript: transcript, readerRoots: [], now: now)
    let docs = request.documents()
    record("holder: the request is read", docs.count == 1 && docs[0].held && docs[0].readerError == "reader_auth_missing" &&
           docs[0].elements.map { $0.identifier }.sorted() == ["age_over_18", "birth_date", "family_name"], "\(docs)")
    let consent = [Consent(docType: mdl, elements: [ElementId(namespace: ns, identifier: "family_name"),
                                                    ElementId(namespace: ns, identifier: "age_over_18")])]
    let response = try wallet.respond(request: request, consent: consent, signers: [signer])
    let verifier = try Verifier(store: nil, iacas: [TrustedIaca(id: authority.id(), country: "UA", name: "Diia Swift",
                                                                certificate: Data(authority.iacaCertificatePem().utf8), docTypes: [mdl])],
                                settings: VerifierSettings(acceptance: .all, clockSkewSeconds: 300,
                                                           allowMissingStatusToken: false, acceptOtherStatusValues: false))
    let verified = try verifier.verifyDeviceResponse(deviceResponse: response, transcript: transcript, readerEphemeralKey: nil,
                                                     statusTokens: [], now: now)[0]
    var familyName: String? = nil
    if case .drivingLicence(let licence) = verified.claims { familyName = licence.familyName }
    record("holder: round trip with a Swift DeviceSigner", verified.holderBound && signer.calls == 1 && familyName == "Shevchenko" &&
           same(parse(verified.claimsJson), parse("{\"\(ns)\": {\"family_name\": \"Shevchenko\", \"age_over_18\": true}}")),
           "\(verified), \(signer.calls) calls")
    let bytes = String(decoding: response, as: UTF8.self)
    // The declined birth_date is reported as not returned (by name, as ISO/IEC
    // 18013-5 does for any element not returned); its value never leaves.
    record("consent: the declined element is absent from the response bytes",
           !bytes.contains("1990-02-03") && !bytes.contains("Olena") && bytes.contains("Shevchenko"), "a declined or unrequested value found")
    let nothing = String(decoding: try wallet.respond(request: request, consent: [], signers: [signer]), as: UTF8.self)
    record("consent: nothing approved, no document", !nothing.contains("issuerSigned") && !nothing.contains("deviceSigned"), nothing)
    // OpenID4VP 1.0, direct_post.jwt: the verifier's request, the wallet's
    // consent (the same approval), the encrypted answer read back and verified.
    let client = "x509_san_dns:wynajem.example.pl"
    let claimPaths = ["family_name", "birth_date", "age_over_18"].map { "{\"path\": [\"\(ns)\", \"\($0)\"]}" }.joined(separator: ",")
    let oidRequest = try Openid4vpVerifierRequest(
        clientId: client, mode: .directPost(responseUri: "https://wynajem.example.pl/oid4vp/response"),
        dcqlQueryJson: "{\"credentials\": [{\"id\": \"licence\", \"format\": \"mso_mdoc\", \"meta\": {\"doctype_value\": \"\(mdl)\"}, \"claims\": [\(claimPaths)]}]}",
        encrypt: true)
    let oidRead = try wallet.readOpenid4vpRequest(requestJson: oidRequest.requestJson(), origin: nil, now: now)
    let oidDocs = oidRead.documents()
    record("openid4vp: the request is read", oidDocs.count == 1 && oidDocs[0].readerError == "reader_auth_missing" &&
           oidDocs[0].elements.map { $0.identifier }.sorted() == ["age_over_18", "birth_date", "family_name"] &&
           oidRead.clientId() == client && oidRead.unanswered().isEmpty, "\(oidDocs)")
    let oidAnswer = try wallet.respondOpenid4vp(request: oidRead, consent: consent, signers: [signer])
    let oidPresentations = try oidRequest.readResponse(responseJson: oidAnswer)
    let oidVerified = try verifier.verifyDeviceResponse(deviceResponse: oidPresentations[0].deviceResponses[0],
                                                        transcript: oidRequest.sessionTranscript(), readerEphemeralKey: nil,
                                                        statusTokens: [], now: now)[0]
    record("openid4vp: round trip, the answer encrypted, only the approved elements",
           oidPresentations.map { $0.queryId } == ["licence"] && !oidAnswer.contains("Shevchenko") && oidVerified.holderBound &&
           same(parse(oidVerified.claimsJson), parse("{\"\(ns)\": {\"family_name\": \"Shevchenko\", \"age_over_18\": true}}")),
           "\(oidVerified)")
    do {
        _ = try verifier.verifyDeviceResponse(deviceResponse: response, transcript: backendNonceTranscript(verifier: "another backend", nonce: Data(count: 16)),
                                              readerEphemeralKey: nil, statusTokens: [], now: now)
        record("errors: a replayed response is refused", false, "accepted")
    } catch DocbridgeError.Refused(let code, let reason) {
        record("errors: a replayed response is refused", code == "device_signature_invalid" && reason.hasPrefix("device signature does not verify"),
               "\(code): \(reason)")
    }
    do {
        _ = try backendNonceTranscript(verifier: "x", nonce: Data(count: 5))
        record("errors: code and message", false, "accepted")
    } catch let error as DocbridgeError {
        guard case .Refused(let code, let reason) = error else { return }
        // localizedDescription is the readable message (the LocalizedError
        // conformance added by bindings/finish-generated.py), not a field dump.
        record("errors: code and message", code == "invalid_argument" && reason == "invalid argument: nonce shorter than 16 bytes" &&
               error.description == reason && error.localizedDescription == reason && "\(error)" == reason,
               "\(code): \(error.description) / \(error.localizedDescription)")
    }
    do {
        _ = try wallet.respond(request: request, consent: consent, signers: [CancelledSigner(signer)])
        record("errors: a failing signer is signing_failed", false, "accepted")
    } catch DocbridgeError.Refused(let code, let reason) {
        record("errors: a failing signer is signing_failed", code == "signing_failed" && reason.contains("the user cancelled"), "\(code): \(reason)")
    }
}

let manifest = try! JSONSerialization.jsonObject(with: read("manifest.json")) as! Json
for c in manifest["cases"] as! [Json] {
    let expected = expectedOf(c)
    var actual: Json
    do {
        actual = try runCase(c)
    } catch DocbridgeError.Refused(let code, _) {
        actual = ["valid": false, "error": code]
    } catch {
        actual = ["valid": false, "error": "unexpected \(error)"]
    }
    record(c["id"] as! String, same(actual, expected), "expected \(expected), got \(actual)")
}
print("vectors: \(passed) passed, \(failed) failed, of \((manifest["cases"] as! [Json]).count) manifest cases")
do { try holderChecks() } catch { record("holder checks", false, "\(error)") }
print("\(passed) passed, \(failed) failed")
exit(failed == 0 ? 0 : 1)
