import Crypto
import Foundation
import TarnCore

/// One record on its way to S3.
public struct DeliveryRecord: Sendable {
    /// The source shard (0 for DirectPut).
    public var shard: Int
    /// Its position there.
    public var ordinal: UInt64
    /// Arrival time, epoch ms.
    public var arrival: Int64
    /// The record's bytes.
    public var data: ArraySlice<UInt8>

    /// Creates a record.
    public init(shard: Int, ordinal: UInt64, arrival: Int64, data: ArraySlice<UInt8>) {
        self.shard = shard
        self.ordinal = ordinal
        self.arrival = arrival
        self.data = data
    }
}

/// An object a delivery writes.
public struct PlannedObject: Sendable, Equatable {
    /// Its key in the destination bucket.
    public var key: String
    /// Its bytes.
    public var body: [UInt8]
    /// How many records it holds.
    public var recordCount: Int
    /// Whether it holds error documents (under the error output prefix).
    public var isError: Bool
}

/// Turns a buffered batch into objects: partitions records (dynamic partitioning), joins them
/// (optionally newline-delimited), and names each object deterministically from the batch, so
/// that delivering the same batch again after a crash overwrites the same keys.
///
/// Names follow Firehose's `DeliveryStreamName-DeliveryStreamVersion-YYYY-MM-DD-HH-MM-SS-RandomString`
/// (docs.aws.amazon.com/firehose/latest/dev/basic-deliver.html#s3-object-name); Tarn's
/// "random" part is a UUID-shaped digest of the batch and partition instead of fresh randomness.
public struct DeliveryBatchBuilder: Sendable {
    let name: String
    let version: Int
    let configuration: DeliveryStreamConfiguration
    let prefix: PrefixTemplate
    let errorPrefix: PrefixTemplate
    let query: MetadataExtractionQuery?

    /// Creates a builder for a validated configuration.
    public init(name: String, version: Int = 1, configuration: DeliveryStreamConfiguration) throws {
        self.name = name
        self.version = version
        self.configuration = configuration
        prefix = try PrefixTemplate(configuration.prefix)
        errorPrefix = try PrefixTemplate(configuration.errorOutputPrefix.flatMap { $0.isEmpty ? nil : $0 } ?? "!{firehose:error-output-type}/")
        query = try configuration.metadataExtractionQuery.map(MetadataExtractionQuery.init)
    }

    /// Builds the objects of one batch.
    /// - Parameters:
    ///   - records: the batch, in delivery order.
    ///   - batchID: a stable identity of the batch (its source ranges).
    ///   - now: the attempt time (epoch ms) written into error documents.
    public func build(_ records: [DeliveryRecord], batchID: String, now: Int64) -> [PlannedObject] {
        var groups: [[String: String]: [Int]] = [:]
        var failures: [(Int, TarnError)] = []
        for (index, record) in records.enumerated() {
            if configuration.dynamicPartitioning, let query {
                do { groups[try query.evaluate(record.data), default: []].append(index) } catch let error as TarnError {
                    failures.append((index, error))
                } catch {
                    failures.append((index, TarnError(.partitioningFailed, "\(error)")))
                }
            } else {
                groups[[:], default: []].append(index)
            }
        }
        var objects: [PlannedObject] = []
        let ordered = groups.sorted { Self.sortKey($0.key) < Self.sortKey($1.key) }
        for (partitions, indexes) in ordered {
            var body: [UInt8] = []
            body.reserveCapacity(indexes.reduce(0) { $0 + records[$1].data.count + 1 })
            for index in indexes {
                body.append(contentsOf: records[index].data)
                if configuration.appendNewline { body.append(0x0A) }
            }
            let oldest = indexes.map { records[$0].arrival }.min() ?? now
            let identity = Self.digest("\(name)|\(batchID)|\(Self.sortKey(partitions))")
            let keyPrefix = prefix.evaluate(
                arrival: oldest, randomString: Self.randomString(identity), partitions: partitions, appendDefaultTimestamp: !configuration.dynamicPartitioning)
            objects.append(
                PlannedObject(key: keyPrefix + objectName(oldest, identity), body: body, recordCount: indexes.count, isError: false))
        }
        if !failures.isEmpty {
            var body: [UInt8] = []
            for (index, error) in failures {
                let record = records[index]
                let document: [String: Any] = [
                    "attemptsMade": 1, "arrivalTimestamp": record.arrival, "errorCode": error.code.rawValue, "errorMessage": error.message,
                    "attemptEndingTimestamp": now, "rawData": Data(record.data).base64EncodedString(),
                    "sequenceNumber": SequenceNumber(shard: record.shard, ordinal: record.ordinal).description,
                ]
                if let json = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]) { body += Array(json) }
                body.append(0x0A)
            }
            let oldest = failures.map { records[$0.0].arrival }.min() ?? now
            let identity = Self.digest("\(name)|\(batchID)|errors")
            let keyPrefix = errorPrefix.evaluate(
                arrival: oldest, randomString: Self.randomString(identity), errorOutputType: "partitioning-failed", appendDefaultTimestamp: true)
            objects.append(PlannedObject(key: keyPrefix + objectName(oldest, identity, isError: true), body: body, recordCount: failures.count, isError: true))
        }
        return objects
    }

    func objectName(_ arrival: Int64, _ identity: [UInt8], isError: Bool = false) -> String {
        let hex = Hex.encode(identity.prefix(16))
        let chars = Array(hex)
        let uuid = String(chars[0..<8]) + "-" + String(chars[8..<12]) + "-" + String(chars[12..<16]) + "-" + String(chars[16..<20]) + "-" + String(chars[20..<32])
        var name = "\(self.name)-\(version)-\(PrefixTemplate.nameTimestamp(arrival))-\(uuid)"
        if !isError, let fileExtension = configuration.fileExtension { name += fileExtension }
        return name
    }

    static func sortKey(_ partitions: [String: String]) -> String {
        partitions.keys.sorted().map { "\($0)=\(partitions[$0]!)" }.joined(separator: "\u{1}")
    }

    static func digest(_ text: String) -> [UInt8] { Array(SHA256.hash(data: Data(text.utf8))) }

    static func randomString(_ identity: [UInt8]) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String(identity.suffix(11).map { alphabet[Int($0) % alphabet.count] })
    }
}
