import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import TarnCore
import X509

/// The certificate and key the HTTPS listener serves: the operator's (`--tls-cert`/`--tls-key`,
/// PEM files) or a self-signed one Tarn generates on first start and keeps in `DIR/tls/`.
public struct ServerCertificate: Sendable {
    /// The certificate chain in PEM.
    public var certificatePEM: String
    /// The private key in PEM.
    public var privateKeyPEM: String
    /// SHA-256 fingerprint of the leaf certificate, colon-separated uppercase hex (as
    /// `openssl x509 -fingerprint -sha256` prints it).
    public var fingerprint: String
    /// Where the certificate file is (clients pass it as their CA bundle).
    public var certificatePath: String
    /// Whether it was generated on this start.
    public var generated: Bool

    /// Loads the operator's certificate and key.
    /// - Throws: `InvalidArgument` naming the file that is unreadable or not PEM.
    public static func load(certificatePath: String, keyPath: String) throws -> ServerCertificate {
        let certificate = String(decoding: try FileSystem.readFile(certificatePath), as: UTF8.self)
        let key = String(decoding: try FileSystem.readFile(keyPath), as: UTF8.self)
        let leaf: Certificate
        do {
            leaf = try Certificate(pemEncoded: certificate)
        } catch {
            throw TarnError(.invalidArgument, "--tls-cert \(certificatePath) is not a PEM certificate: \(error)")
        }
        return ServerCertificate(
            certificatePEM: certificate, privateKeyPEM: key, fingerprint: try fingerprint(of: leaf), certificatePath: certificatePath, generated: false)
    }

    /// The self-signed certificate of a data directory, generated (ECDSA P-256, one year, for
    /// `localhost`, `127.0.0.1`, `::1` and `hosts`) when missing.
    public static func selfSigned(directory: String, hosts: [String] = []) throws -> ServerCertificate {
        let certificatePath = directory + "/cert.pem", keyPath = directory + "/key.pem"
        if FileSystem.exists(certificatePath) && FileSystem.exists(keyPath) {
            return try load(certificatePath: certificatePath, keyPath: keyPath)
        }
        try FileSystem.createDirectory(directory, permissions: 0o700)
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let name = try DistinguishedName {
            CommonName("Tarn self-signed certificate")
            OrganizationName("Tarn")
        }
        var names: [GeneralName] = [.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                                    .ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1])))]
        for host in hosts where host != "localhost" && !host.isEmpty {
            if let address = Self.ipBytes(host) { names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(address)))) } else { names.append(.dnsName(host)) }
        }
        let identifier = SubjectKeyIdentifier(hash: publicKey)
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames(names)
            identifier
            AuthorityKeyIdentifier(keyIdentifier: identifier.keyIdentifier)
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey, notValidBefore: now.addingTimeInterval(-300),
            notValidAfter: now.addingTimeInterval(365 * 86_400), issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(key))
        let certificatePEM = try certificate.serializeAsPEM().pemString + "\n"
        try FileSystem.writeAtomically(Array(key.pemRepresentation.utf8), to: keyPath, permissions: 0o600)
        try FileSystem.writeAtomically(Array(certificatePEM.utf8), to: certificatePath, permissions: 0o644)
        return ServerCertificate(
            certificatePEM: certificatePEM, privateKeyPEM: key.pemRepresentation, fingerprint: try fingerprint(of: certificate),
            certificatePath: certificatePath, generated: true)
    }

    static func fingerprint(of certificate: Certificate) throws -> String {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return SHA256.hash(data: serializer.serializedBytes).map { Hex.encode([$0], uppercase: true) }.joined(separator: ":")
    }

    static func ipBytes(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".")
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { UInt8($0) }
        return bytes.count == 4 ? bytes : nil
    }

    /// The server-side TLS settings: this certificate, TLS 1.2 or newer, and for TLS 1.2 only
    /// ECDHE key exchange with AEAD ciphers (forward secrecy; no CBC, RC4, 3DES or RSA key
    /// transport). TLS 1.3's suites are all modern.
    func tlsConfiguration() throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.cipherSuiteValues = [
            .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ]
        return configuration
    }
}
