import Access
import Foundation
import TarnCore

/// Request authentication cost: SigV4 header and presigned GETs verified per second on one core
/// (the server targets 15,000 GETs/s on two), and aws-chunked decoding throughput with chunk
/// signatures checked (MB/s). `access verify N` only runs N header verifications, for counting
/// allocations under valgrind (run it with two values of N and divide the difference).
@Sendable func accessBenchmark(_ arguments: [String]) async throws {
    struct Clock: WallClock {
        let seconds: Int64
        func now() -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }
    }
    let keys = SigningCredentials(accessKeyID: "AKIABENCHMARK", secretAccessKey: "bench/secret/key/0123456789abcdefghijklm")
    let time = AMZDate.parseISO8601Basic("20261125T120000Z")!
    let store = StaticCredentialStore([StoredCredential(credentials: keys, principal: .root(accountID: "000000000000"))])
    let authenticator = RequestAuthenticator(credentials: store, configuration: AuthenticatorConfiguration(clock: Clock(seconds: time)))
    let signer = SigV4Signer(credentials: keys, service: "s3")

    // A typical SDK GET: five signed headers, a key with a space, a query parameter.
    var header = AWSRequest(
        method: "GET", rawPath: "/lake/raw/orders/2026/11/25/part%20000.parquet", rawQuery: "versionId=3",
        headers: ["Host": "localhost:9000", "Range": "bytes=0-1048575", "User-Agent": "aws-cli/2.17 md/Botocore#1.43"])
    signer.sign(&header, at: time)
    let url = signer.presignedURL(
        method: "GET", scheme: "http", host: "localhost:9000", path: "/lake/raw/orders/2026/11/25/part%20000.parquet",
        expires: 3600, at: time)
    let presigned = AWSRequest(method: "GET", target: String(url.dropFirst("http://localhost:9000".count)), headers: ["Host": "localhost:9000"])

    if arguments.first == "verify", let count = arguments.dropFirst().first.flatMap(Int.init) {
        for _ in 0..<count { _ = try authenticator.authenticate(header) }
        return
    }

    for (name, request) in [("sigv4_header_get", header), ("sigv4_presigned_get", presigned)] {
        let iterations = 200_000
        _ = try authenticator.authenticate(request)  // warm the signing-key cache
        let seconds = try measure {
            for _ in 0..<iterations { _ = try authenticator.authenticate(request) }
        }
        report("\(name)_per_second_one_core", Double(iterations) / seconds, "req/s")
        report("\(name)_latency", seconds / Double(iterations) * 1e6, "us")
    }

    // 64 MiB uploaded in 64 KiB signed chunks, decoded from 16 KiB network reads.
    let chunkSize = 64 << 10
    let payload = [UInt8](repeating: 0x5A, count: 64 << 20)
    var put = AWSRequest(
        method: "PUT", rawPath: "/lake/object",
        headers: ["Host": "localhost:9000", "Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": String(payload.count)])
    let seed = signer.sign(&put, payload: .mode(.streamingSigned), at: time).signature
    guard case .awsChunked(let configuration) = try authenticator.authenticate(put).payload else { fatalError("expected aws-chunked") }
    let signing = AWSChunkedDecoder.Signing(
        key: SigningKey.derive(secret: keys.secretAccessKey, date: "20261125", region: "us-east-1", service: "s3"),
        amzDate: AMZDate.iso8601Basic(time), scope: "20261125/us-east-1/s3/aws4_request", seedSignature: seed)
    var encoder = AWSChunkedEncoder(signing: signing, trailers: false)
    var body: [UInt8] = []
    body.reserveCapacity(payload.count + payload.count / chunkSize * 100)
    var offset = 0
    while offset < payload.count {
        body += encoder.chunk(Array(payload[offset..<offset + chunkSize]))
        offset += chunkSize
    }
    body += encoder.finish()
    var decoded = 0
    let seconds = try measure {
        var decoder = AWSChunkedDecoder(configuration)
        try body.withUnsafeBytes { buffer in
            var start = 0
            while start < buffer.count {
                let piece = UnsafeRawBufferPointer(rebasing: buffer[start..<min(buffer.count, start + (16 << 10))])
                var position = 0
                while let event = try decoder.next(piece, offset: &position) {
                    if case .payload(let range) = event { decoded += range.count }
                }
                start += 16 << 10
            }
        }
        _ = try decoder.finish()
    }
    report("aws_chunked_signed_decode", Double(decoded) / seconds / 1e6, "MB/s")
}
