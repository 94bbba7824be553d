import Access
import Foundation
import Keys
import Lake
import Storage
import TarnCore

/// The cost of the security pillar, in one run so the numbers compare:
/// - PUT and GET throughput of a large object (default 256 MiB) unencrypted, with SSE-S3, with
///   SSE-KMS and with SSE-KMS plus an S3 Bucket Key, through the object store (disk and crypto,
///   no HTTP), best of three;
/// - KMS GenerateDataKey and Decrypt calls per second (key policy evaluated, audit line written);
/// - authorization decisions per second for a GET (identity policy + bucket policy).
/// `security [MiB]` changes the object size.
@Sendable func securityBenchmark(_ arguments: [String]) async throws {
    let mebibytes = arguments.first.flatMap(Int.init) ?? 256
    let directory = (ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") + "/tarn-bench-security-\(getpid())"
    defer { try? FileSystem.removeTree(directory) }
    let lake = try Lake(path: directory, environment: [:])
    try await lake.store.createBucket("bench")
    let admin = lake.keyCaller(.root(accountID: Lake.accountID))
    let key = try lake.kms.createKey(description: "benchmark", caller: admin)

    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    var generator = SystemRandomNumberGenerator()
    for index in chunk.indices { chunk[index] = UInt8.random(in: 0...255, using: &generator) }
    let total = Double(mebibytes) * 1_048_576

    let modes: [(String, ServerSideEncryption)] = [
        ("none", .none), ("sse_s3", .s3), ("sse_kms", .kms(keyID: key.arn, bucketKey: false, context: [:])),
        ("sse_kms_bucket_key", .kms(keyID: key.arn, bucketKey: true, context: [:])),
    ]
    var results: [String: (put: Double, get: Double)] = [:]
    // CPU seconds per round and mode: wall time on a shared 2-core machine mostly measures the
    // neighbours and the disk; CPU time is what encryption adds.
    var cpu: [String: (put: Double, get: Double)] = [:]
    for round in 0..<3 {
        for (name, mode) in modes {
            let objectKey = "object-\(name)-\(round)"
            let putCPU = processCPUSeconds()
            let putStart = DispatchTime.now().uptimeNanoseconds
            let upload = try lake.store.beginUpload(bucket: "bench", key: objectKey, encryption: mode)
            for _ in 0..<mebibytes { try chunk.withUnsafeBytes { try upload.write($0) } }
            _ = try await upload.commit(key: objectKey, attributes: ObjectAttributes())
            let putSeconds = Double(DispatchTime.now().uptimeNanoseconds - putStart) / 1e9
            let putCPUSeconds = processCPUSeconds() - putCPU

            let getCPU = processCPUSeconds()
            let getStart = DispatchTime.now().uptimeNanoseconds
            let reader = try lake.store.open(bucket: "bench", key: objectKey)
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            var offset: Int64 = 0
            while offset < reader.info.size {
                let got = try buffer.withUnsafeMutableBytes { try reader.read(into: $0, at: offset) }
                offset += Int64(got)
            }
            let getSeconds = Double(DispatchTime.now().uptimeNanoseconds - getStart) / 1e9
            let getCPUSeconds = processCPUSeconds() - getCPU
            let best = results[name] ?? (0, 0)
            results[name] = (max(best.put, total / putSeconds / 1_048_576), max(best.get, total / getSeconds / 1_048_576))
            let least = cpu[name] ?? (.infinity, .infinity)
            cpu[name] = (min(least.put, putCPUSeconds), min(least.get, getCPUSeconds))
            _ = try await lake.store.delete(bucket: "bench", key: objectKey)
        }
    }
    for (name, _) in modes {
        let result = results[name]!
        report("put_\(name)_\(mebibytes)MiB", (result.put * 10).rounded() / 10, "MiB/s")
        report("get_\(name)_\(mebibytes)MiB", (result.get * 10).rounded() / 10, "MiB/s")
    }
    for (name, _) in modes {
        report("put_cpu_\(name)_\(mebibytes)MiB", (cpu[name]!.put * 1000).rounded() / 1000, "s")
        report("get_cpu_\(name)_\(mebibytes)MiB", (cpu[name]!.get * 1000).rounded() / 1000, "s")
    }
    let plain = results["none"]!
    for (name, _) in modes.dropFirst() {
        let result = results[name]!
        report("put_slowdown_\(name)", ((1 - result.put / plain.put) * 1000).rounded() / 10, "%")
        report("get_slowdown_\(name)", ((1 - result.get / plain.get) * 1000).rounded() / 10, "%")
    }

    // KMS calls per second, as S3 makes them (via S3, with the object's encryption context).
    let calls = 20_000
    let context: EncryptionContext = ["aws:s3:arn": "arn:aws:s3:::bench/object"]
    var blobs: [[UInt8]] = []
    blobs.reserveCapacity(calls)
    let generate = try measure {
        for _ in 0..<calls { blobs.append(try lake.kms.generateDataKey(keyID: key.arn, context: context, caller: admin).ciphertext) }
    }
    report("kms_generate_data_key", (Double(calls) / generate).rounded(), "calls/s")
    let decrypt = try measure {
        for blob in blobs { _ = try lake.kms.decrypt(ciphertext: blob, context: context, caller: admin) }
    }
    report("kms_decrypt", (Double(calls) / decrypt).rounded(), "calls/s")

    // Authorization of a GET by an IAM user: identity policy plus a TLS-only bucket policy.
    try lake.identities.createUser("reader")
    try lake.identities.putInlinePolicy(
        "read", document: #"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::bench","arn:aws:s3:::bench/*"]}]}"#,
        on: .user("reader"))
    try await lake.setBucketPolicy(
        "bench",
        #"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bench","arn:aws:s3:::bench/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#)
    let reader = Principal.user("reader", accountID: Lake.accountID)
    let requestContext = ConditionContext(["aws:SecureTransport": ["true"], "aws:SourceIp": ["127.0.0.1"], "aws:CurrentTime": ["2026-11-25T12:00:00Z"]])
    let decisions = 200_000
    var allowed = 0
    let authorize = measure {
        for index in 0..<decisions {
            if lake.authorizeS3(principal: reader, action: "s3:GetObject", bucket: "bench", key: "raw/part-\(index & 1023).parquet", context: requestContext).isAllowed {
                allowed += 1
            }
        }
    }
    precondition(allowed == decisions, "the benchmark's GETs must all be allowed")  // guards the benchmark's own setup
    report("authorize_s3_get", (Double(decisions) / authorize).rounded(), "decisions/s")
}
