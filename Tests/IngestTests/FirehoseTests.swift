import Catalog
import Codecs
import Foundation
import Storage
import TarnCore
import TarnTesting
import Testing

@testable import Ingest

@Suite struct PrefixTemplateTests {
    // 2024-03-05T07:08:09.123Z
    let arrival: Int64 = 1_709_622_489_123

    @Test func timestampAndFirehoseExpressions() throws {
        let template = try PrefixTemplate("raw/!{timestamp:yyyy}/!{timestamp:MM-dd'T'HH}/!{firehose:random-string}/")
        #expect(template.evaluate(arrival: arrival, randomString: "abcdefghijk", appendDefaultTimestamp: true) == "raw/2024/03-05T07/abcdefghijk/")
        #expect(template.hasExpressions && template.hasTimestamp && !template.usesPartitionKeys)
    }

    @Test func defaultLayoutIsAppendedWithoutATimestamp() throws {
        let template = try PrefixTemplate("raw/clickstream/")
        #expect(template.evaluate(arrival: arrival, randomString: "", appendDefaultTimestamp: true) == "raw/clickstream/2024/03/05/07/")
        #expect(template.evaluate(arrival: arrival, randomString: "", appendDefaultTimestamp: false) == "raw/clickstream/")
        let error = try PrefixTemplate("errors/!{firehose:error-output-type}/")
        #expect(error.evaluate(arrival: arrival, randomString: "", errorOutputType: "partitioning-failed", appendDefaultTimestamp: true) == "errors/partitioning-failed/2024/03/05/07/")
    }

    @Test func partitionKeys() throws {
        let template = try PrefixTemplate("raw/event_type=!{partitionKeyFromQuery:event_type}/dt=!{timestamp:yyyy-MM-dd}/")
        #expect(template.partitionKeys == ["event_type"])
        #expect(template.evaluate(arrival: arrival, randomString: "", partitions: ["event_type": "view"], appendDefaultTimestamp: false) == "raw/event_type=view/dt=2024-03-05/")
        #expect(PrefixTemplate.nameTimestamp(arrival) == "2024-03-05-07-08-09")
    }

    @Test(arguments: ["raw/!{", "raw/!{nope:x}/", "raw/!{timestamp:yyyy-QQ}/", "!{firehose:other}", "!{partitionKeyFromLambda:x}", "!{timestamp:'open}"])
    func rejectsInvalidExpressions(_ text: String) {
        #expect(throws: TarnError.self) { try PrefixTemplate(text) }
    }
}

@Suite struct MetadataExtractionTests {
    @Test func extractsPathsAndRejectsOtherJQ() throws {
        let query = try MetadataExtractionQuery("{event_type: .event_type, region: .geo.region}")
        #expect(query.keys == ["event_type", "region"])
        let values = try query.evaluate(ArraySlice(Array(#"{"event_type":"view","geo":{"region":"eu"},"n":1}"#.utf8)))
        #expect(values == ["event_type": "view", "region": "eu"])
        #expect(throws: TarnError.self) { try query.evaluate(ArraySlice(Array(#"{"event_type":"view"}"#.utf8))) }
        #expect(throws: TarnError.self) { try query.evaluate(ArraySlice(Array("not json".utf8))) }
        for bad in [".event_type", "{a: .b | ascii}", "{}", "{a: b}"] {
            #expect(throws: TarnError.self, "\(bad)") { try MetadataExtractionQuery(bad) }
        }
    }
}

@Suite struct DeliveryBufferTests {
    @Test func flushesBySizeOrInterval() {
        var buffer = DeliveryBuffer(sizeMiB: 1, intervalSeconds: 60)
        #expect(buffer.next(now: 0) == .wait(until: nil))
        buffer.add(count: 10, bytes: 1000, oldestArrival: 5_000)
        #expect(buffer.next(now: 6_000) == .wait(until: 65_000))
        #expect(buffer.next(now: 65_000) == .flush)
        buffer.add(count: 1, bytes: 1 << 20, oldestArrival: 9_000)
        #expect(buffer.next(now: 6_000) == .flush)
        #expect(buffer.remainingBytes == 0)
        buffer.reset()
        #expect(buffer.count == 0 && buffer.next(now: 1_000_000) == .wait(until: nil))
        var immediate = DeliveryBuffer(sizeMiB: 1, intervalSeconds: 0)
        immediate.add(count: 1, bytes: 1, oldestArrival: 100)
        #expect(immediate.next(now: 100) == .flush)
    }
}

@Suite struct DeliveryBatchTests {
    func records(_ values: [String]) -> [DeliveryRecord] {
        values.enumerated().map { DeliveryRecord(shard: 0, ordinal: UInt64($0.offset), arrival: 1_709_622_489_123 + Int64($0.offset), data: ArraySlice(Array($0.element.utf8))) }
    }

    @Test func namesAreDeterministicPerBatch() throws {
        let configuration = DeliveryStreamConfiguration(bucket: "lake", prefix: "raw/", appendNewline: true)
        let builder = try DeliveryBatchBuilder(name: "clicks", configuration: configuration)
        let first = try builder.build(records(["a", "b"]), batchID: "1/0:0-2", now: 1)
        let again = try builder.build(records(["a", "b"]), batchID: "1/0:0-2", now: 999)
        let other = try builder.build(records(["a", "b"]), batchID: "1/0:2-4", now: 1)
        #expect(first == again)
        #expect(first.count == 1 && first[0].body == Array("a\nb\n".utf8))
        #expect(first[0].key != other[0].key)
        #expect(first[0].key.hasPrefix("raw/2024/03/05/07/clicks-1-2024-03-05-07-08-09-"))
    }

    @Test func dynamicPartitionsAndErrors() throws {
        let configuration = DeliveryStreamConfiguration(
            bucket: "lake", prefix: "raw/type=!{partitionKeyFromQuery:t}/", errorOutputPrefix: "err/!{firehose:error-output-type}/", bufferSizeMiB: 64,
            dynamicPartitioning: true, metadataExtractionQuery: "{t:.t}")
        try configuration.validate()
        let builder = try DeliveryBatchBuilder(name: "clicks", configuration: configuration)
        let objects = try builder.build(records([#"{"t":"b"}"#, #"{"t":"a"}"#, "oops", #"{"t":"b","x":1}"#]), batchID: "x", now: 5)
        #expect(objects.map(\.recordCount) == [1, 2, 1])
        #expect(objects[0].key.hasPrefix("raw/type=a/clicks-1-"))
        #expect(objects[1].body == Array(#"{"t":"b"}{"t":"b","x":1}"#.utf8))
        #expect(objects[2].isError && objects[2].key.hasPrefix("err/partitioning-failed/2024/03/05/07/"))
        let document = try JSONSerialization.jsonObject(with: Data(objects[2].body.dropLast())) as? [String: Any]
        #expect(document?["rawData"] as? String == Data("oops".utf8).base64EncodedString())
        #expect(document?["errorCode"] as? String == "DynamicPartitioning.MetadataExtractionFailed")
    }

    @Test func gzipObjectsDecompressToTheRecords() throws {
        let builder = try DeliveryBatchBuilder(
            name: "clicks", configuration: DeliveryStreamConfiguration(bucket: "lake", prefix: "raw/", compression: .gzip, appendNewline: true))
        let objects = try builder.build(records(["one", "two"]), batchID: "b", now: 0)
        #expect(objects.count == 1 && objects[0].key.hasSuffix(".gz"))
        #expect(Array(objects[0].body.prefix(2)) == [0x1F, 0x8B])
        var plain: [UInt8] = []
        try GzipDecompressor().decompress(objects[0].body, appendingTo: &plain)
        #expect(plain == Array("one\ntwo\n".utf8))
    }

    @Test func parquetConversionFromCatalogWithErrors() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let catalog = try CatalogStore(path: dir.path + "/catalog.db")
        try await catalog.createDatabase(DatabaseDefinition(name: "retail"))
        try await catalog.createTable(
            TableDefinition(
                database: "retail", name: "clicks", columns: [ColumnDefinition(name: "event_type", type: "string"), ColumnDefinition(name: "n", type: "bigint")],
                location: "s3://lake/raw/", format: .parquet))
        let configuration = DeliveryStreamConfiguration(
            bucket: "lake", prefix: "raw/", errorOutputPrefix: "err/", formatConversion: .init(databaseName: "retail", tableName: "clicks"))
        try configuration.validate()
        #expect(throws: TarnError.self) { try DeliveryBatchBuilder(name: "clicks", configuration: configuration) }
        let builder = try DeliveryBatchBuilder(name: "clicks", configuration: configuration, resolver: CatalogSchemaResolver(store: catalog))
        let objects = try builder.build(records([#"{"event_type":"view","n":1}"#, #"{"event_type":"cart","n":"two"}"#, "{\n\"n\": 3}"]), batchID: "b", now: 0)
        #expect(objects.count == 2)
        let parquet = objects[0]
        #expect(parquet.key.hasSuffix(".parquet") && parquet.recordCount == 2)
        #expect(Array(parquet.body.prefix(4)) == Array("PAR1".utf8) && Array(parquet.body.suffix(4)) == Array("PAR1".utf8))
        #expect(objects[1].isError && objects[1].key.hasPrefix("err/2024/") && objects[1].recordCount == 1)
        let document = try JSONSerialization.jsonObject(with: Data(objects[1].body.dropLast())) as? [String: Any]
        #expect(document?["errorCode"] as? String == "DataFormatConversion.MalformedData")
        #expect((document?["dataCatalogTable"] as? [String: String])?["tableName"] == "clicks")
    }

    @Test func validationFollowsFirehoseRules() {
        let invalid: [DeliveryStreamConfiguration] = [
            DeliveryStreamConfiguration(bucket: "b", bufferSizeMiB: 0),
            DeliveryStreamConfiguration(bucket: "b", bufferIntervalSeconds: 901),
            DeliveryStreamConfiguration(bucket: "b", prefix: "x/!{timestamp:yyyy}/"),
            DeliveryStreamConfiguration(bucket: "b", prefix: "x/!{partitionKeyFromQuery:t}/", errorOutputPrefix: "e/", bufferSizeMiB: 64),
            DeliveryStreamConfiguration(bucket: "b", prefix: "x/!{partitionKeyFromQuery:t}/", errorOutputPrefix: "e/", bufferSizeMiB: 8, dynamicPartitioning: true, metadataExtractionQuery: "{t:.t}"),
            DeliveryStreamConfiguration(bucket: "b", prefix: "x/!{partitionKeyFromQuery:u}/", errorOutputPrefix: "e/", bufferSizeMiB: 64, dynamicPartitioning: true, metadataExtractionQuery: "{t:.t}"),
            DeliveryStreamConfiguration(source: .kinesisStream, bucket: "b"),
            DeliveryStreamConfiguration(bucket: "b", compression: .gzip, formatConversion: .init(databaseName: "d", tableName: "t")),
            DeliveryStreamConfiguration(bucket: "b", compression: .snappy),
            DeliveryStreamConfiguration(bucket: "b", formatConversion: .init(databaseName: "d", tableName: "t", inlineColumns: [.init(name: "a", type: "nope")])),
        ]
        for configuration in invalid {
            #expect(throws: TarnError.self, "\(configuration)") { try configuration.validate() }
        }
        #expect(throws: Never.self) { try DeliveryStreamConfiguration(bucket: "b", prefix: "x/!{timestamp:yyyy}/", errorOutputPrefix: "e/").validate() }
    }
}

@Suite struct DeliveryStreamsTests {
    @Test(.timeLimit(.minutes(5))) func directPutDeliversAndRestartsFromCheckpoints() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try ObjectStore(directory: dir.path + "/storage")
        try await store.createBucket("lake")
        let events = store.events.subscribe()
        do {
            let streams = try DataStreams(directory: dir.path + "/streams")
            let delivery = try DeliveryStreams(directory: dir.path + "/firehose", store: store, streams: streams, pollMilliseconds: 5)
            try delivery.create(name: "clicks", configuration: DeliveryStreamConfiguration(bucket: "lake", prefix: "raw/", bufferIntervalSeconds: 0, appendNewline: true))
            var input = PutRecordsInput()
            for index in 0..<5 { input.append(partitionKey: "", data: Array("event-\(index)".utf8)) }
            let ids = try await delivery.put(name: "clicks", input).ids
            #expect(Set(ids).count == 5)
            var created: [ObjectEvent] = []
            for await event in events where event.isCreated {
                created.append(event)
                let listed = try store.list(bucket: "lake", prefix: "raw/").objects.reduce(0) { $0 + Int($1.size) }
                if listed >= 5 * 8 { break }
            }
            #expect(created.allSatisfy { $0.name == "ObjectCreated:Put" && $0.key.hasPrefix("raw/") })
            await delivery.stopAll()
        }
        let objects = try store.list(bucket: "lake", prefix: "raw/").objects
        let text = try objects.map { String(decoding: try store.get(bucket: "lake", key: $0.key), as: UTF8.self) }.joined()
        #expect(text == (0..<5).map { "event-\($0)\n" }.joined())
        // Reopened: nothing is delivered twice.
        let streams = try DataStreams(directory: dir.path + "/streams")
        let delivery = try DeliveryStreams(directory: dir.path + "/firehose", store: store, streams: streams, pollMilliseconds: 5)
        try await Task.sleep(nanoseconds: 200_000_000)
        #expect(try store.list(bucket: "lake", prefix: "raw/").objects.count == objects.count)
        #expect(try delivery.describe("clicks").configuration.prefix == "raw/")
        await delivery.stopAll()
    }

    @Test(.timeLimit(.minutes(5))) func pendingPlanIsRedeliveredUnderTheSameKeys() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try ObjectStore(directory: dir.path + "/storage")
        try await store.createBucket("lake")
        let streams = try DataStreams(directory: dir.path + "/streams")
        let configuration = DeliveryStreamConfiguration(bucket: "lake", prefix: "raw/", bufferIntervalSeconds: 900)
        do {
            let delivery = try DeliveryStreams(directory: dir.path + "/firehose", store: store, streams: streams, pollMilliseconds: 5)
            try delivery.create(name: "clicks", configuration: configuration)
            var input = PutRecordsInput()
            for index in 0..<3 { input.append(partitionKey: "", data: Array("e\(index);".utf8)) }
            _ = try await delivery.put(name: "clicks", input)
            await delivery.stopAll()
        }
        // Simulate a crash after the plan was committed and one object written, before the checkpoint.
        let catalog = try DeliveryCatalog(path: dir.path + "/firehose/firehose.db")
        let id = try #require(try catalog.loadAll().first?.id)
        try catalog.savePlan(id: id, ranges: [0: 0..<2])
        let builder = try DeliveryBatchBuilder(name: "clicks", configuration: configuration)
        let log = try ShardLog(directory: dir.path + "/firehose/logs/\(id)", shard: 0)
        let read = try log.read(from: 0, maxRecords: 2, maxBytes: 1 << 20)
        let expected = try builder.build(
            read.records.map { DeliveryRecord(shard: 0, ordinal: $0.ordinal, arrival: $0.arrival, data: read.buffer[$0.data]) },
            batchID: "\(id)/" + DeliveryCatalog.encode([0: 0..<2]), now: 0)
        try await store.put(bucket: "lake", key: expected[0].key, bytes: Array("partial".utf8))
        let delivery = try DeliveryStreams(directory: dir.path + "/firehose", store: store, streams: streams, pollMilliseconds: 5)
        // The checkpoint advances only after the plan's objects are written.
        for _ in 0..<3000 where (try? catalog.checkpoints(id: id)[0]?.next) != 2 {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        #expect(try store.get(bucket: "lake", key: expected[0].key) == Array("e0;e1;".utf8))
        #expect(try catalog.plan(id: id) == nil)
        #expect(try catalog.checkpoints(id: id)[0]?.next == 2)
        await delivery.stopAll()
    }
}
