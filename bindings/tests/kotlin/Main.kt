// Runs every case of test-vectors/ through the Kotlin bindings on the JVM,
// then a holder round trip whose DeviceSigner is a JDK java.security EC
// P-256 key (the API Android Keystore exposes), the consent filter and the
// error mapping. Usage: MainKt VECTORS_DIR. Last line: "N passed, M failed".

import com.google.gson.JsonArray
import com.google.gson.JsonElement
import com.google.gson.JsonObject
import com.google.gson.JsonParser
import com.google.gson.JsonPrimitive
import java.io.File
import java.security.KeyPairGenerator
import java.security.Signature
import java.security.spec.ECGenParameterSpec
import java.time.Instant
import org.docbridge.*
import kotlin.system.exitProcess

var passed = 0
var failed = 0

fun record(name: String, ok: Boolean, detail: () -> String) {
    if (ok) { passed++; println("ok $name") } else { failed++; println("FAIL $name: ${detail()}") }
}

lateinit var vectors: File

fun read(path: String): ByteArray = File(vectors, path).readBytes()

/** A file path, or synthetic bytes {prefix, fill, length}. */
fun source(src: JsonElement): ByteArray {
    if (src.isJsonPrimitive) return read(src.asString)
    val o = src.asJsonObject
    val prefix = hex(o["prefix"].asString)
    val out = ByteArray(o["length"].asInt) { hex(o["fill"].asString)[0] }
    prefix.copyInto(out)
    return out
}

fun hex(s: String): ByteArray = ByteArray(s.length / 2) { s.substring(2 * it, 2 * it + 2).toInt(16).toByte() }

fun makeVerifier(config: JsonObject, now: Instant): Verifier {
    var store: TrustStore? = null
    val vicals = config["vicals"]?.asJsonArray ?: JsonArray()
    val anchors = config["vicalAnchors"]?.asJsonArray ?: JsonArray()
    if (config["trustLists"].asJsonArray.size() > 0 || config["operatorRoots"].asJsonArray.size() > 0 ||
        vicals.size() > 0 || anchors.size() > 0) {
        store = TrustStore()
        for (root in config["operatorRoots"].asJsonArray) {
            store.pinOperator(root.asJsonObject["country"].asString, read(root.asJsonObject["certificate"].asString))
        }
        for (anchor in anchors) {
            store.pinVicalProvider(anchor.asJsonObject["provider"].asString, read(anchor.asJsonObject["certificate"].asString))
        }
        for (list in config["trustLists"].asJsonArray) store.update(source(list), now)
        for (vical in vicals) store.updateVical(source(vical), now)
    }
    val iacas = config["trustedIacas"].asJsonArray.map {
        val i = it.asJsonObject
        TrustedIaca(i["id"].asString, i["country"].asString, i["name"].asString,
            read(i["certificate"].asString), i["docTypes"].asJsonArray.map { d -> d.asString })
    }
    val policy = config["acceptancePolicy"]
    val acceptance = if (policy.isJsonPrimitive) Acceptance.All else Acceptance.Listed(
        policy.asJsonObject["countries"].asJsonArray.map { it.asString },
        policy.asJsonObject["pairs"].asJsonArray.map {
            CountryDocType(it.asJsonObject["country"].asString, it.asJsonObject["docType"].asString)
        })
    val status = config["statusPolicy"].asJsonObject
    val crlPolicy = config["crlPolicy"]?.takeIf { it.isJsonObject }?.let { CrlPolicy(it.asJsonObject["allowUnchecked"].asBoolean) }
    return Verifier(store, iacas, VerifierSettings(acceptance, config["clockSkewSeconds"].asInt.toUInt(),
        status["allowMissingToken"].asBoolean, status["acceptOtherValues"].asBoolean, crlPolicy))
}

fun fetchedCrls(config: JsonObject): List<FetchedCrl> =
    config["crls"]?.takeIf { it.isJsonArray }?.asJsonArray?.map {
        FetchedCrl(it.asJsonObject["distributionPoint"].asString, source(it.asJsonObject["crl"]))
    } ?: emptyList()

fun statusName(s: DocumentStatus): String = when (s) {
    is DocumentStatus.NotReferenced -> "not_referenced"
    is DocumentStatus.Valid -> "valid"
    is DocumentStatus.NotChecked -> "not_checked"
    is DocumentStatus.Other -> "other:${s.value}"
}

fun documentOutcome(d: VerifiedDocument): JsonObject = JsonObject().apply {
    addProperty("valid", true)
    addProperty("docType", d.docType)
    addProperty("issuingCountry", d.issuingCountry)
    addProperty("status", statusName(d.status))
    add("claims", JsonParser.parseString(d.claimsJson))
    when (d.certificateRevocation) {
        CertificateRevocation.GOOD -> addProperty("certificateRevocation", "good")
        CertificateRevocation.NOT_CHECKED -> addProperty("certificateRevocation", "not_checked")
        CertificateRevocation.DISABLED -> {}
    }
}

fun perDocument(outcome: DocumentOutcome): JsonObject = when (outcome) {
    is DocumentOutcome.Valid -> documentOutcome(outcome.document)
    is DocumentOutcome.Refused -> refused(outcome.code)
}

fun refused(code: String): JsonObject = JsonObject().apply { addProperty("valid", false); addProperty("error", code) }

fun b64(bytes: ByteArray): String = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)

val POLICY = WalletPolicy(false, ReportUnreturnedTo.AUTHENTICATED_READERS)

fun runCase(case: JsonObject): JsonObject {
    val now = Instant.parse(case["now"].asString)
    val input = case["input"].asJsonObject
    return when (case["kind"].asString) {
        "issuer_signed", "status" -> {
            val verifier = makeVerifier(case["verifier"].asJsonObject, now)
            val token = input["statusToken"]?.let { source(it) }
            val listed = input["identifierListToken"]?.let { source(it) }
            documentOutcome(verifier.verifyIssuerSigned(source(input["document"]), token, now, listed,
                fetchedCrls(case["verifier"].asJsonObject)))
        }
        "device_response" -> {
            val verifier = makeVerifier(case["verifier"].asJsonObject, now)
            val key = input["readerKey"]?.let { EphemeralKey.fromPkcs8Pem(String(read(it.asString))) }
            val tokens = input["statusTokens"]?.asJsonArray?.map {
                StatusToken(it.asJsonObject["uri"].asString, source(it.asJsonObject["token"]))
            } ?: emptyList()
            val transcript = source(input["transcript"])
            var response = source(input["response"])
            input["hpkeKey"]?.let { response = openDcapiResponse(response, transcript, EphemeralKey.fromPkcs8Pem(String(read(it.asString)))) }
            val outcomes = verifier.verifyDeviceResponseDocuments(response, transcript, key, tokens, now,
                crls = fetchedCrls(case["verifier"].asJsonObject))
            if (outcomes.size == 1) perDocument(outcomes[0])
            else JsonObject().apply {
                addProperty("valid", true)
                add("documents", JsonArray().apply { outcomes.forEach { add(perDocument(it)) } })
            }
        }
        "device_request" -> {
            val roots = input["readerRoots"].asJsonArray.map { ReaderRoot(it.asString, read(it.asString)) }
            val request = Wallet(emptyList(), POLICY).readRequest(source(input["request"]), source(input["transcript"]), roots, now)
            val error = request.documents().firstNotNullOfOrNull { it.readerError }
            if (error != null) refused(error) else JsonObject().apply {
                addProperty("valid", true)
                add("docTypes", JsonArray().apply { request.documents().forEach { add(it.docType) } })
            }
        }
        "trust_list" -> {
            val store = TrustStore()
            for (root in input["operatorRoots"].asJsonArray) {
                store.pinOperator(root.asJsonObject["country"].asString, read(root.asJsonObject["certificate"].asString))
            }
            input["savedState"]?.let { store.load(source(it), now) }
            var last: TrustUpdate? = null
            for (update in input["updates"].asJsonArray) last = store.update(source(update), now)
            val source = last!!.source
            JsonObject().apply {
                addProperty("valid", true)
                addProperty("operatorCountry", source.operator)
                addProperty("sequence", source.sequence.toLong())
                addProperty("outcome", if (last.replaced) "replaced" else "unchanged")
                add("authorities", JsonArray().apply {
                    store.listedAuthorities(source.operator).forEach { a ->
                        add(JsonObject().apply {
                            addProperty("id", a.id); addProperty("country", a.country)
                            add("docTypes", JsonArray().apply { a.docTypes.forEach { add(it) } })
                        })
                    }
                })
            }
        }
        "session" -> {
            val key = EphemeralKey.fromPkcs8Pem(String(read(input["privateKey"].asString)))
            val transcript = source(input["transcript"])
            val received = mutableListOf<SessionMessage>()
            val decrypt: (ByteArray) -> SessionMessage
            if (input["role"].asString == "device") {
                val session = DeviceSession.establish(key, source(input["establishment"]), transcript)
                received.add(SessionMessage(session.firstRequest(), null))
                decrypt = session::decryptRequest
            } else {
                val peer = coseKeyFromPem(String(read(input["peerPublicKey"].asString)))
                val session = ReaderSession(key, peer, transcript)
                decrypt = session::decryptResponse
            }
            for (message in input["messages"].asJsonArray) received.add(decrypt(source(message)))
            JsonObject().apply {
                addProperty("valid", true)
                add("received", JsonArray().apply {
                    received.forEach { r ->
                        add(JsonObject().apply {
                            r.data?.let { addProperty("data", b64(it)) }
                            r.status?.let { addProperty("status", it.toLong()) }
                        })
                    }
                })
            }
        }
        else -> throw IllegalArgumentException("unknown kind ${case["kind"]}")
    }
}

/** The expected outcome, session plaintext files read and written as base64url. */
fun expectedOf(case: JsonObject): JsonElement {
    val expected = case["expected"].deepCopy().asJsonObject
    if (case["kind"].asString == "session") {
        expected["received"]?.asJsonArray?.forEach { entry ->
            val e = entry.asJsonObject
            e["data"]?.let { e.add("data", JsonPrimitive(b64(read(it.asString)))) }
        }
    }
    return expected
}

/** A device key in the JDK's key store API, as an app holds one in Android Keystore. */
class JdkSigner : DeviceSigner {
    private val pair = KeyPairGenerator.getInstance("EC").apply { initialize(ECGenParameterSpec("secp256r1")) }.generateKeyPair()
    var calls = 0
    override fun algorithm() = SigningAlgorithm.ES256
    override fun publicKey(): ByteArray = pair.public.encoded // SubjectPublicKeyInfo DER
    override fun sign(data: ByteArray): ByteArray {
        calls++
        // SHA256withECDSA returns DER, as Android Keystore does; the bindings convert it.
        return Signature.getInstance("SHA256withECDSA").run { initSign(pair.private); update(data); sign() }
    }
}

fun holderChecks() {
    val now = Instant.parse("2026-11-29T12:00:00Z")
    val mdl = "org.iso.18013.5.1.mDL"
    val ns = "org.iso.18013.5.1"
    val authority = DemoAuthority.generate("UA", "Diia Kotlin", SigningAlgorithm.ES256, listOf(mdl),
        Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2031-01-01T00:00:00Z"))
    val signer = JdkSigner()
    val claims = """{"$ns": {"family_name": "Shevchenko", "given_name": "Olena", "birth_date": "1990-02-03",
        "age_over_18": true, "issuing_country": "UA"}}"""
    val issued = authority.issuer().issue(mdl, claims, signer.algorithm(), signer.publicKey(),
        Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2027-11-01T00:00:00Z"))
    val wallet = Wallet(listOf(issued), POLICY)
    val transcript = backendNonceTranscript("mObywatel backend", ByteArray(16) { it.toByte() })
    val requestBytes = buildDeviceRequest(listOf(DocumentItems(mdl,
        listOf("family_name", "birth_date", "age_over_18").map { ItemToRequest(ns, it, false) })), null, emptyList(), transcript)
    val request = wallet.readRequest(requestBytes, transcript, emptyList(), now)
    val docs = request.documents()
    record("holder: the request is read", docs.size == 1 && docs[0].held && docs[0].readerError == "reader_auth_missing" &&
        docs[0].elements.map { it.identifier }.sorted() == listOf("age_over_18", "birth_date", "family_name")) { "$docs" }
    val consent = listOf(Consent(mdl, listOf(ElementId(ns, "family_name"), ElementId(ns, "age_over_18"))))
    val response = wallet.respond(request, consent, listOf(signer))
    val verifier = Verifier(null, listOf(TrustedIaca(authority.id(), "UA", "Diia Kotlin",
        authority.iacaCertificatePem().toByteArray(), listOf(mdl))),
        VerifierSettings(Acceptance.All, 300u, false, false))
    val verified = verifier.verifyDeviceResponse(response, transcript, null, emptyList(), now)[0]
    val licence = (verified.claims as? DocumentClaims.DrivingLicence)?.licence
    record("holder: round trip with a JDK EC P-256 DeviceSigner (DER signatures)", verified.holderBound && signer.calls == 1 &&
        JsonParser.parseString(verified.claimsJson) == JsonParser.parseString("""{"$ns": {"family_name": "Shevchenko", "age_over_18": true}}""") &&
        licence?.familyName == "Shevchenko" && licence.birthDate == null) { "$verified, ${signer.calls} calls" }
    val text = String(response, Charsets.ISO_8859_1)
    // The declined birth_date is reported as not returned (by name, as ISO/IEC
    // 18013-5 does for any element not returned); its value never leaves.
    record("consent: the declined element is absent from the response bytes",
        !text.contains("1990-02-03") && !text.contains("Olena") && text.contains("Shevchenko")) { "a declined or unrequested value found" }
    val nothing = String(wallet.respond(request, emptyList(), listOf(signer)), Charsets.ISO_8859_1)
    record("consent: nothing approved, no document", !nothing.contains("issuerSigned") && !nothing.contains("deviceSigned")) { nothing }
    // OpenID4VP 1.0, direct_post.jwt: the verifier's request, the wallet's
    // consent (the same approval), the encrypted answer read back and verified.
    val client = "x509_san_dns:wynajem.example.pl"
    val claimPaths = listOf("family_name", "birth_date", "age_over_18").joinToString(",") { "{\"path\": [\"$ns\", \"$it\"]}" }
    val oidRequest = Openid4vpVerifierRequest(client,
        Openid4vpResponseMode.DirectPost("https://wynajem.example.pl/oid4vp/response"),
        """{"credentials": [{"id": "licence", "format": "mso_mdoc", "meta": {"doctype_value": "$mdl"}, "claims": [$claimPaths]}]}""",
        true)
    val oidRead = wallet.readOpenid4vpRequest(oidRequest.requestJson(), null, now)
    val oidDocs = oidRead.documents()
    record("openid4vp: the request is read", oidDocs.size == 1 && oidDocs[0].readerError == "reader_auth_missing" &&
        oidDocs[0].elements.map { it.identifier }.sorted() == listOf("age_over_18", "birth_date", "family_name") &&
        oidRead.clientId() == client && oidRead.unanswered().isEmpty()) { "$oidDocs" }
    val oidAnswer = wallet.respondOpenid4vp(oidRead, consent, listOf(signer))
    val oidPresentations = oidRequest.readResponse(oidAnswer)
    val oidVerified = verifier.verifyDeviceResponse(oidPresentations[0].deviceResponses[0],
        oidRequest.sessionTranscript(), null, emptyList(), now)[0]
    record("openid4vp: round trip, the answer encrypted, only the approved elements",
        oidPresentations.map { it.queryId } == listOf("licence") && !oidAnswer.contains("Shevchenko") && oidVerified.holderBound &&
        JsonParser.parseString(oidVerified.claimsJson) == JsonParser.parseString("""{"$ns": {"family_name": "Shevchenko", "age_over_18": true}}""")) { "$oidVerified" }
    try {
        verifier.verifyDeviceResponse(response, backendNonceTranscript("another backend", ByteArray(16)), null, emptyList(), now)
        record("errors: a replayed response is refused", false) { "accepted" }
    } catch (e: DocbridgeException.Refused) {
        record("errors: a replayed response is refused", e.code == "device_signature_invalid" &&
            e.reason.startsWith("device signature does not verify") && e.toString() == e.reason) { "${e.code}: $e" }
    }
    try {
        backendNonceTranscript("x", ByteArray(5))
        record("errors: code and message", false) { "accepted" }
    } catch (e: DocbridgeException.Refused) {
        // message is the readable text (the generated class is finished by
        // bindings/finish-generated.py), not a dump of the fields.
        record("errors: code and message", e.code == "invalid_argument" &&
            e.reason == "invalid argument: nonce shorter than 16 bytes" && e.toString() == e.reason &&
            e.message == e.reason) { "${e.code}: $e / ${e.message}" }
    }
    val failing = object : DeviceSigner by signer {
        override fun sign(data: ByteArray): ByteArray = throw DocbridgeException.Refused("signing_failed", "the user cancelled")
    }
    try {
        wallet.respond(request, consent, listOf(failing))
        record("errors: a failing signer is signing_failed", false) { "accepted" }
    } catch (e: DocbridgeException.Refused) {
        record("errors: a failing signer is signing_failed", e.code == "signing_failed" && e.reason.contains("the user cancelled")) { "${e.code}: $e" }
    }
}

fun main(args: Array<String>) {
    vectors = File(args[0])
    val manifest = JsonParser.parseString(File(vectors, "manifest.json").readText()).asJsonObject
    for (c in manifest["cases"].asJsonArray) {
        val case = c.asJsonObject
        val expected = expectedOf(case)
        val actual = try { runCase(case) } catch (e: DocbridgeException.Refused) { refused(e.code) }
        record(case["id"].asString, actual == expected) { "expected $expected, got $actual" }
    }
    println("vectors: $passed passed, $failed failed, of ${manifest["cases"].asJsonArray.size()} manifest cases")
    holderChecks()
    println("$passed passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}
