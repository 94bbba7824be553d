import Access
import ArgumentParser
import Foundation
import Jobs
import Lake
import Logging
import Pipeline
import Query
import SampleData
import Server
import Storage
import TarnCore

/// `tarn demo`: the retail pipeline end to end on a fresh data directory — apply the retail
/// lake.yaml, generate a few days of data, upload it through the S3 API, let the triggers run
/// the jobs and the marts, print what happened, and keep serving.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the retail pipeline end to end on a fresh data directory, then keep serving it.",
        discussion: """
            Creates --data (a directory a previous demo made is replaced; any other existing directory is refused), \
            starts the server (HTTP on --listen, HTTPS on --tls-listen with a self-signed certificate in DATA/tls/), \
            applies examples/retail/lake.yaml (built in: KMS keys, TLS-only buckets, roles, lifecycle, jobs, marts), \
            generates --days days of retail data at --scale, uploads it to s3://retail-dev-data/raw/ with signed S3 PUTs \
            over HTTPS (the buckets deny plain HTTP), waits for the triggered jobs and mart \
            refreshes, prints the zones, the job manifests and answers to a few business questions, and keeps serving \
            (Ctrl-C stops) unless --no-serve.
            """)

    @Option(name: .long, help: "The data directory to create.")
    var data: String = "./tarn-demo"

    @Option(name: .long, help: "Address to listen on, HOST:PORT.")
    var listen: String = "127.0.0.1:9000"

    @Option(name: .long, help: "Address of the HTTPS listener, HOST:PORT (default: the --listen host, port 9443, or 0 when --listen's port is 0).")
    var tlsListen: String?

    @Option(name: .long, help: "Data scale (1 ≈ 128,000 sales lines and 110,000 click events per day across 200 stores).")
    var scale: Double = 0.1

    @Option(name: .long, help: "Days of data to generate.")
    var days: Int = 3

    @Option(name: .long, help: "Seed of the generator.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Give up waiting for the pipeline after this many seconds.")
    var timeout: Double = 600

    @Flag(name: .long, help: "Exit after printing instead of serving.")
    var noServe = false

    @Option(name: .long, help: "Server log level (the demo prints its own progress).")
    var logLevel: String = "warning"

    static let marker = ".tarn-demo"

    func run() async throws {
        let started = Date()
        TarnLogging.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .warning)
        try prepareDirectory()
        let (host, port) = try TarnServer.Configuration.parseListen(listen)
        let (tlsHost, tlsPort) = try TarnServer.Configuration.parseListen(tlsListen ?? "\(host):\(port == 0 ? 0 : 9443)")
        let lake = try await reportingErrors { try Lake(path: data) }
        let certificate = try await reportingErrors {
            try ServerCertificate.selfSigned(directory: lake.directory.path + "/tls", hosts: [tlsHost])
        }
        let server = TarnServer(
            lake: lake, configuration: .init(host: host, port: port, tlsHost: tlsHost, tlsPort: tlsPort, certificate: certificate),
            services: TarnServer.jsonServices(for: lake))
        let (ports, portSink) = AsyncStream.makeStream(of: (port: Int, secure: Bool).self)
        let serving = Task {
            defer { portSink.finish() }
            try await server.run { boundPort, secure in portSink.yield((boundPort, secure)) }
        }
        var iterator = ports.makeAsyncIterator()
        var boundPorts: [Bool: Int] = [:]
        while boundPorts.count < 2 {
            guard let bound = await iterator.next() else {
                if case .failure(let error) = await serving.result { fail("the server did not start on \(listen) and \(tlsHost):\(tlsPort): \(error)") }
                fail("the server did not start on \(listen) and \(tlsHost):\(tlsPort)")
            }
            boundPorts[bound.secure] = bound.port
        }
        let endpoint = "https://\(tlsHost):\(boundPorts[true]!)"
        let caBundle = certificate.certificatePath
        say("[demo] tarn \(TarnCoreModule.version) serving \(Self.absolute(data)) on \(endpoint) (certificate \(caBundle)) and http://\(host):\(boundPorts[false]!)")

        // 1. The retail lake.
        let config = try PipelineConfigParser.parse(RetailLakeExample.yaml, source: RetailLakeExample.path)
        let changes = try await reportingErrors { try await lake.applyPipeline(config, text: RetailLakeExample.yaml) }
        say("[demo] applied \(RetailLakeExample.path): \(changes.summary)")
        for change in changes where ["key", "role", "bucket"].contains(change.kind) { say("[demo]   \(change)") }
        guard let environment = config.environment("dev") else { fail("the retail example has no dev environment") }

        // 2. Raw data.
        let generated = Self.absolute(data) + "/.demo-generated"
        var options = RetailOptions()
        options.scale = scale
        options.days = days
        options.seed = seed
        let generator = RetailGenerator(options: options)
        let manifest = try await reportingErrors {
            try await BlockingIO.run { try generator.generate(to: generated) }
        }
        say("[demo] generated \(manifest.files.count) files, \(Self.bytes(manifest.bytes)): \(manifest.salesRows) sales rows (\(manifest.salesDuplicateRows) re-sent, \(manifest.salesDirtyRowsTotal) dirty), \(manifest.clickstreamRows) click events, \(manifest.inventoryRows) inventory rows, \(manifest.products) products, \(manifest.stores) stores")

        // 3. Upload through the S3 API, as a store's nightly export would.
        let uploader = try await reportingErrors {
            try DemoS3Uploader(
                endpoint: URL(string: endpoint)!, certificatePEM: certificate.certificatePEM,
                credentials: SigningCredentials(accessKeyID: lake.rootCredentials.accessKeyID, secretAccessKey: lake.rootCredentials.secretAccessKey),
                region: lake.region)
        }
        let expected: [String: Int]
        do {
            expected = try await upload(manifest.files, from: generated, to: environment, zones: config.zones, with: uploader)
        } catch {
            try? await uploader.shutdown()
            fail("uploading the raw files failed: \(error)")
        }
        try? await uploader.shutdown()
        try? FileManager.default.removeItem(atPath: generated)

        // 4. Wait for the triggered jobs, then the marts.
        try await waitForPipeline(lake, config: config, environment: environment, expected: expected)
        let elapsed = Date().timeIntervalSince(started)
        say("[demo] pipeline finished in \(String(format: "%.1f", elapsed)) s\n")

        // 5. What happened.
        try report(lake, config: config, environment: environment)
        try await answers(lake, environment: environment)
        instructions(lake, endpoint: endpoint, caBundle: caBundle, environment: environment)
        if noServe {
            // The same graceful shutdown an operator's SIGTERM gives (listeners close, in-flight
            // requests finish); cancelling the task would tear the channels down instead.
            kill(getpid(), SIGTERM)
            _ = await serving.result
            return
        }
        say("[demo] serving until Ctrl-C")
        try await serving.value
    }

    /// Creates a fresh data directory, replacing only one a previous demo made.
    func prepareDirectory() throws {
        if FileSystem.exists(data) {
            let entries = (try? FileSystem.listDirectory(data)) ?? []
            if !entries.isEmpty {
                guard entries.contains(Self.marker) else {
                    fail("\(data) exists and was not made by `tarn demo`; remove it or pass another --data")
                }
                try FileManager.default.removeItem(atPath: data)
            }
        }
        try FileSystem.createDirectory(data)
        try FileSystem.writeAtomically(Array("made by tarn demo; `tarn demo` replaces this directory\n".utf8), to: data + "/" + Self.marker)
    }

    /// Uploads every generated file to the raw zone, four at a time.
    /// - Returns: how many files each table's job will find.
    func upload(_ files: [String], from directory: String, to environment: EnvironmentConfig, zones: ZoneConfig, with uploader: DemoS3Uploader) async throws
        -> [String: Int]
    {
        var expected: [String: Int] = [:]
        for file in files { expected[String(file.prefix { $0 != "/" }), default: 0] += 1 }
        var done = 0, bytes: Int64 = 0, lastReport = Date.distantPast
        try await withThrowingTaskGroup(of: Int64.self) { group in
            var next = 0
            func add() {
                guard next < files.count else { return }
                let file = files[next]
                next += 1
                group.addTask {
                    let body = try FileSystem.readFile(directory + "/" + file)
                    try await uploader.put(
                        bucket: environment.bucket, key: zones.raw + file, body: body,
                        contentType: file.hasSuffix(".jsonl") ? "application/x-ndjson" : "text/csv")
                    return Int64(body.count)
                }
            }
            for _ in 0..<4 { add() }
            while let size = try await group.next() {
                done += 1
                bytes += size
                if Date().timeIntervalSince(lastReport) > 1 || done == files.count {
                    lastReport = Date()
                    say("[demo] uploaded \(done)/\(files.count) files (\(Self.bytes(bytes))) to s3://\(environment.bucket)/\(zones.raw)")
                }
                add()
            }
        }
        return expected
    }

    /// Waits until every job has processed all of its uploaded files and every mart has been
    /// refreshed after the last job run, printing progress.
    func waitForPipeline(_ lake: Lake, config: PipelineConfig, environment: EnvironmentConfig, expected: [String: Int]) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        var lastLine = ""
        // Done must hold for a second: a manifest's event may still be on its way to the mart
        // service when the job's run record already says it succeeded.
        var settledSince: Date?
        while true {
            var processed: [String: Int] = [:], lastFinish = Date.distantPast
            var failures: [String] = []
            for table in config.tables {
                let job = PipelineConfig.jobName(table: table.name, environment: environment.name)
                let runs = try lake.jobs.history(job: job)
                processed[table.name] = runs.filter { $0.status == .succeeded }.reduce(0) { $0 + $1.sources.count }
                for run in runs {
                    if let finished = run.finishedAt { lastFinish = max(lastFinish, finished) }
                    if run.status == .failed { failures.append("\(job): \(run.error ?? "failed")") }
                }
            }
            if !failures.isEmpty { fail("a job failed: \(failures.joined(separator: "; "))") }
            let jobsDone = config.tables.allSatisfy { processed[$0.name, default: 0] >= expected[$0.name, default: 0] }
            let history = await lake.marts.history
            let busy = await lake.marts.isBusy
            let martFailures = await lake.marts.failures
            if !martFailures.isEmpty { fail("a mart refresh failed: \(martFailures.joined(separator: "; "))") }
            let refreshed = Set(history.filter { $0.finishedAt >= lastFinish }.map(\.mart))
            let martsDone = config.marts.allSatisfy { refreshed.contains(environment.database + "." + $0.name) }
            let line =
                "[demo] jobs: "
                + config.tables.map { "\($0.name) \(processed[$0.name, default: 0])/\(expected[$0.name, default: 0])" }.joined(separator: ", ")
                + " files · marts refreshed: \(refreshed.count)/\(config.marts.count)"
            if line != lastLine {
                say(line)
                lastLine = line
            }
            if jobsDone && martsDone && !busy {
                if let since = settledSince, Date().timeIntervalSince(since) >= 1 { return }
                settledSince = settledSince ?? Date()
            } else {
                settledSince = nil
            }
            if Date() > deadline { fail("the pipeline did not finish within \(Int(timeout)) s") }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// Zones, job manifests and the accounting of every raw row.
    func report(_ lake: Lake, config: PipelineConfig, environment: EnvironmentConfig) throws {
        say("Zones of s3://\(environment.bucket)/")
        var rows: [[String]] = []
        for zone in config.zones.all {
            var objects = 0, bytes: Int64 = 0
            try lake.store.forEachObject(bucket: environment.bucket, prefix: zone.prefix) { object in
                objects += 1
                bytes += object.size
            }
            rows.append([zone.name, zone.prefix, String(objects), Self.bytes(bytes)])
        }
        printTable(["zone", "prefix", "objects", "bytes"], rows)
        say("\nJob runs (manifests under s3://\(environment.bucket)/\(config.zones.manifests))")
        rows = []
        for table in config.tables {
            let job = PipelineConfig.jobName(table: table.name, environment: environment.name)
            let runs = try lake.jobs.history(job: job).filter { $0.status == .succeeded && $0.manifest != nil }
            var read: Int64 = 0, written: Int64 = 0, quarantined: Int64 = 0, duplicates: Int64 = 0, files = 0
            var partitions = Set<String>()
            for run in runs {
                guard let manifest = run.manifest else { continue }
                read += manifest.totals.rowsRead
                written += manifest.totals.rowsWritten
                quarantined += manifest.totals.rowsQuarantined
                duplicates += manifest.totals.rowsDuplicate
                files += manifest.files.count
                partitions.formUnion(manifest.partitions)
            }
            let balanced = read == written + quarantined + duplicates ? "✓" : "✗"
            rows.append([job, String(runs.count), String(read), String(written), String(quarantined), String(duplicates), balanced, String(partitions.count), String(files)])
        }
        printTable(["job", "runs", "read", "written", "quarantined", "duplicates", "read = w+q+d", "partitions", "files"], rows)
        let catalogTables = try lake.catalog.tables(database: environment.database)
        say("\nCatalog \(environment.database): " + catalogTables.map { table in
            let partitions = (try? lake.catalog.partitions(database: environment.database, table: table.name).count) ?? 0
            return table.name + (partitions > 0 ? " (\(partitions) partitions)" : "")
        }.joined(separator: ", "))
    }

    /// Business questions answered from the marts with SQL.
    func answers(_ lake: Lake, environment: EnvironmentConfig) async throws {
        let questions: [(String, String)] = [
            (
                "Top 5 stores by revenue on the last day",
                "SELECT sales_date, store_id, store_name, region, orders, revenue FROM daily_sales_by_store WHERE sales_date = (SELECT max(sales_date) FROM daily_sales_by_store) ORDER BY revenue DESC LIMIT 5"
            ),
            ("Revenue by region", "SELECT region, sum(orders) AS orders, sum(revenue) AS revenue FROM daily_sales_by_store GROUP BY region ORDER BY revenue DESC"),
            (
                "Best-selling products per month (top 3)",
                "SELECT year, month, revenue_rank, product_name, category, units, revenue FROM top_products_by_month WHERE revenue_rank <= 3 ORDER BY year, month, revenue_rank"
            ),
            ("Clickstream funnel per day (sessions)", "SELECT * FROM clickstream_funnel_daily ORDER BY event_date"),
            (
                "Stock-outs that cost the most demand (last 7 days)",
                "SELECT snapshot_date, store_id, product_id, on_order, units_sold_last_7_days, revenue_last_7_days FROM inventory_stockouts ORDER BY revenue_last_7_days DESC, store_id, product_id LIMIT 5"
            ),
        ]
        for (question, sql) in questions {
            var context = QueryContext(database: environment.database, workgroup: "demo")
            let result = try await reportingErrors { try await lake.query.execute(sql, context: &context) }
            say("\n\(question)\n  \(sql)")
            say(ResultFormatter.render(result.result, format: .table))
        }
    }

    func instructions(_ lake: Lake, endpoint: String, caBundle: String, environment: EnvironmentConfig) {
        say(
            """

            Try it (the server is \(noServe ? "stopped now" : "running"); the buckets are TLS-only, so S3 clients use HTTPS and trust the demo's certificate):
              export AWS_ACCESS_KEY_ID=\(lake.rootCredentials.accessKeyID)
              export AWS_SECRET_ACCESS_KEY=<the secret in \(Self.absolute(data))/root-credentials.json>
              export AWS_DEFAULT_REGION=\(lake.region)
              aws --endpoint-url \(endpoint) --ca-bundle \(caBundle) s3 ls s3://\(environment.bucket)/ --recursive | head
              python3 -c "import boto3; s3 = boto3.client('s3', endpoint_url='\(endpoint)', verify='\(caBundle)'); print([o['Key'] for o in s3.list_objects_v2(Bucket='\(environment.bucket)', Prefix='analytics/')['Contents']])"
              # DuckDB (httpfs) verifies against the system's trust store: add \(caBundle) to it first, then
              #   SET s3_endpoint='\(endpoint.dropFirst(8))'; SET s3_url_style='path'; SET s3_use_ssl=true; plus the keys, then
              #   SELECT * FROM read_parquet('s3://\(environment.bucket)/cleansed/sales/*/*/*/*.parquet') LIMIT 5;
            SQL (after stopping the server: one process owns a data directory):
              tarn query --data \(data) --database \(environment.database) "SELECT region, sum(revenue) FROM daily_sales_by_store GROUP BY region"
            """)
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + (path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
    }

    static func bytes(_ count: Int64) -> String {
        if count < 1024 { return "\(count) B" }
        if count < 1 << 20 { return String(format: "%.1f KiB", Double(count) / 1024) }
        if count < 1 << 30 { return String(format: "%.1f MiB", Double(count) / 1_048_576) }
        return String(format: "%.2f GiB", Double(count) / 1_073_741_824)
    }
}
