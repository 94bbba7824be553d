import Access
import Dispatch
import Foundation
import Synchronization
import TarnCore

/// `TarnBench s3load`: drives an S3 endpoint (Tarn, moto, anything S3-compatible) with PUTs or
/// GETs from N concurrent keep-alive connections and reports throughput and latency.
///
/// ```
/// TarnBench s3load --endpoint 127.0.0.1:9000 --bucket bench --op put --size 4096 --clients 16 --requests 20000
/// TarnBench s3load --endpoint 127.0.0.1:9000 --bucket bench --op get --size 4096 --clients 16 --requests 100000 --keys 20000
/// ```
/// Every request is a SigV4 presigned URL (`UNSIGNED-PAYLOAD`), signed before the clock starts,
/// so the timed loop does no cryptography on the client side while the server still verifies a
/// signature per request. Keys are `<prefix>/<client>/<n>`: PUT writes `requests / clients` per
/// client; GET reads random keys of an earlier PUT run with `--keys` objects from `--writers` clients.
/// Output: `RESULT name=value unit` lines (ops, seconds, ops_per_s, mb_per_s, p50_ms, p99_ms,
/// max_ms, errors).
@Sendable func s3LoadBenchmark(_ arguments: [String]) async throws {
    let options = try S3LoadOptions(arguments)
    let plan = try S3LoadPlan(options)
    let outcome = try plan.run()
    outcome.printResults()
}

/// Command-line options of `s3load`.
struct S3LoadOptions: Sendable {
    var host = "127.0.0.1"
    var port = 9000
    var bucket = "bench"
    var operation = "put"
    var size: Int64 = 4096
    var clients = 1
    var requests = 1000
    var keys = 1000
    var writers = 1
    var duration: Double = 60
    var prefix = "load"
    var accessKey = ProcessInfo.processInfo.environment["AWS_ACCESS_KEY_ID"] ?? "TARNBENCHKEY00000000"
    var secretKey = ProcessInfo.processInfo.environment["AWS_SECRET_ACCESS_KEY"] ?? "tarn-bench-secret"

    init(_ arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { throw TarnError(.invalidArgument, "\(flag) needs a value") }
            switch flag {
            case "--endpoint":
                let parts = value.split(separator: ":")
                guard parts.count == 2, let port = Int(parts[1]) else { throw TarnError(.invalidArgument, "--endpoint HOST:PORT, got \(value)") }
                host = String(parts[0])
                self.port = port
            case "--bucket": bucket = value
            case "--op": operation = value
            case "--size": size = try Self.number(value)
            case "--clients": clients = Int(try Self.number(value))
            case "--requests": requests = Int(try Self.number(value))
            case "--keys": keys = Int(try Self.number(value))
            case "--writers": writers = Int(try Self.number(value))
            case "--duration": duration = Double(value) ?? duration
            case "--prefix": prefix = value
            case "--access-key": accessKey = value
            case "--secret-key": secretKey = value
            default: throw TarnError(.invalidArgument, "unknown option \(flag)")
            }
        }
        guard ["put", "get"].contains(operation), clients > 0, requests > 0, keys > 0, writers > 0 else {
            throw TarnError(.invalidArgument, "--op put|get with positive --clients, --requests, --keys, --writers")
        }
    }

    /// `4096`, `4k`, `256m`, `10g` (binary multiples).
    static func number(_ text: String) throws -> Int64 {
        let lower = text.lowercased()
        let multipliers: [Character: Int64] = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30]
        if let last = lower.last, let multiplier = multipliers[last], let base = Int64(lower.dropLast()) { return base * multiplier }
        guard let value = Int64(lower) else { throw TarnError(.invalidArgument, "not a number: \(text)") }
        return value
    }
}

/// The pre-built request heads of every client, and the body block.
struct S3LoadPlan: Sendable {
    let options: S3LoadOptions
    /// Per client, the request heads to send in order.
    let heads: [[[UInt8]]]
    /// The bytes PUT bodies are cut from (cycled for bodies larger than it).
    let block: [UInt8]

    init(_ options: S3LoadOptions) throws {
        self.options = options
        let signer = SigV4Signer(
            credentials: SigningCredentials(accessKeyID: options.accessKey, secretAccessKey: options.secretKey), region: "us-east-1",
            service: "s3")
        let now = Int64(Date().timeIntervalSince1970)
        let authority = "\(options.host):\(options.port)"
        let perClient = max(1, options.requests / options.clients)
        var generator = SystemRandomNumberGenerator()
        var heads: [[[UInt8]]] = []
        for client in 0..<options.clients {
            var list: [[UInt8]] = []
            list.reserveCapacity(perClient)
            for index in 0..<perClient {
                let key: String
                if options.operation == "put" {
                    key = "\(options.prefix)/\(client)/\(index)"
                } else {
                    let writer = Int.random(in: 0..<options.writers, using: &generator)
                    let perWriter = max(1, options.keys / options.writers)
                    key = "\(options.prefix)/\(writer)/\(Int.random(in: 0..<perWriter, using: &generator))"
                }
                let method = options.operation == "put" ? "PUT" : "GET"
                let path = "/\(options.bucket)/" + PercentEncoding.encodePath(key)
                let url = signer.presignedURL(method: method, scheme: "http", host: authority, path: path, expires: 604_800, at: now)
                let target = String(url.dropFirst("http://".count + authority.count))
                var head = "\(method) \(target) HTTP/1.1\r\nHost: \(authority)\r\n"
                if method == "PUT" { head += "Content-Length: \(options.size)\r\nContent-Type: application/octet-stream\r\n" }
                head += "\r\n"
                list.append(Array(head.utf8))
            }
            heads.append(list)
        }
        self.heads = heads
        var bytes = [UInt8](repeating: 0, count: Int(min(options.size, 1 << 20)))
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: UInt64.random(in: 0...255, using: &generator)) }
        self.block = bytes
    }

    /// Runs every client on its own thread until its list is done or the duration is up.
    func run() throws -> S3LoadOutcome {
        let results = Mutex<[S3ClientResult]>([])
        let group = DispatchGroup()
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(options.duration * 1e9)
        let begin = DispatchTime.now().uptimeNanoseconds
        for client in 0..<options.clients {
            group.enter()
            let thread = Thread { [self] in
                let result = runClient(client, deadline: deadline)
                results.withLock { $0.append(result) }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
        return S3LoadOutcome(results: results.withLock { $0 }, seconds: seconds)
    }

    private func runClient(_ client: Int, deadline: UInt64) -> S3ClientResult {
        var result = S3ClientResult()
        let bodyLength = options.operation == "put" ? options.size : 0
        do {
            let connection = try HTTPConnection(host: options.host, port: options.port)
            for head in heads[client] {
                let started = DispatchTime.now().uptimeNanoseconds
                if started > deadline { break }
                let (status, received) = try connection.exchange(head: head, bodyBlock: block, bodyLength: bodyLength)
                let finished = DispatchTime.now().uptimeNanoseconds
                result.latencies.append(finished - started)
                if status / 100 != 2 {
                    result.errors += 1
                    if result.firstError == nil { result.firstError = "HTTP \(status)" }
                } else {
                    // Only successful requests count toward throughput.
                    result.bytes += options.operation == "put" ? bodyLength : received
                }
            }
        } catch {
            result.errors += 1
            result.firstError = "\(error)"
        }
        return result
    }
}

/// One client's measurements.
struct S3ClientResult: Sendable {
    var latencies: [UInt64] = []
    var bytes: Int64 = 0
    var errors = 0
    var firstError: String?
}

/// All clients' measurements together.
struct S3LoadOutcome: Sendable {
    let results: [S3ClientResult]
    let seconds: Double

    /// Prints the `RESULT` lines.
    func printResults() {
        let latencies = results.flatMap(\.latencies).sorted()
        let operations = latencies.count
        let bytes = results.reduce(Int64(0)) { $0 + $1.bytes }
        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            return Double(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) / 1e6
        }
        report_("ops", Double(operations), "count")
        report_("seconds", seconds, "s")
        report_("ops_per_s", Double(operations) / seconds, "ops/s")
        report_("mb_per_s", Double(bytes) / seconds / 1e6, "MB/s")
        report_("p50_ms", percentile(0.50), "ms")
        report_("p99_ms", percentile(0.99), "ms")
        report_("max_ms", latencies.last.map { Double($0) / 1e6 } ?? 0, "ms")
        report_("errors", Double(results.reduce(0) { $0 + $1.errors }), "count")
        if let first = results.compactMap(\.firstError).first { print("first error: \(first)") }
    }
}

/// Forwards to the module's `report`, which `S3LoadOutcome` members would otherwise shadow.
private func report_(_ name: String, _ value: Double, _ unit: String) { report(name, value, unit) }
