import Codecs
import Columnar
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
    /// The Parquet schema when records are converted.
    let conversionSchema: Schema?

    /// Creates a builder for a validated configuration.
    /// - Parameter resolver: where a conversion schema comes from when the configuration has no
    ///   inline columns (the catalog).
    /// - Throws: `InvalidArgumentException` when a conversion schema cannot be resolved.
    public init(name: String, version: Int = 1, configuration: DeliveryStreamConfiguration, resolver: (any DeliverySchemaResolver)? = nil) throws {
        self.name = name
        self.version = version
        self.configuration = configuration
        prefix = try PrefixTemplate(configuration.prefix)
        errorPrefix = try PrefixTemplate(configuration.errorOutputPrefix.flatMap { $0.isEmpty ? nil : $0 } ?? "!{firehose:error-output-type}/")
        query = try configuration.metadataExtractionQuery.map(MetadataExtractionQuery.init)
        if let conversion = configuration.formatConversion {
            let columns: [SchemaColumn]
            if let inline = conversion.inlineColumns {
                columns = inline
            } else if let resolver {
                do { columns = try resolver.columns(database: conversion.databaseName, table: conversion.tableName) } catch let error as TarnError {
                    throw TarnError(.invalidArgumentException, "Cannot resolve the conversion schema: \(error.message)")
                }
            } else {
                throw TarnError(
                    .invalidArgumentException,
                    "Table \(conversion.databaseName).\(conversion.tableName) cannot be resolved: this lake has no catalog attached; give the columns inline (SchemaConfiguration.TarnColumns).")
            }
            conversionSchema = try RecordFormatConverter.schema(columns)
        } else {
            conversionSchema = nil
        }
    }

    /// The default file extension: Parquet files and gzip members say what they are.
    var defaultExtension: String {
        if configuration.formatConversion != nil { return ".parquet" }
        return configuration.compression == .gzip ? ".gz" : ""
    }

    /// Builds the objects of one batch.
    /// - Parameters:
    ///   - records: the batch, in delivery order.
    ///   - batchID: a stable identity of the batch (its source ranges).
    ///   - now: the attempt time (epoch ms) written into error documents.
    public func build(_ records: [DeliveryRecord], batchID: String, now: Int64) throws -> [PlannedObject] {
        var groups: [[String: String]: [Int]] = [:]
        var failures: [(index: Int, code: String, message: String, type: String)] = []
        for (index, record) in records.enumerated() {
            if configuration.dynamicPartitioning, let query {
                do { groups[try query.evaluate(record.data), default: []].append(index) } catch let error as TarnError {
                    failures.append((index, error.code.rawValue, error.message, "partitioning-failed"))
                } catch {
                    failures.append((index, TarnError.Code.partitioningFailed.rawValue, "\(error)", "partitioning-failed"))
                }
            } else {
                groups[[:], default: []].append(index)
            }
        }
        var objects: [PlannedObject] = []
        let ordered = groups.sorted { Self.sortKey($0.key) < Self.sortKey($1.key) }
        for (partitions, indexes) in ordered {
            var body: [UInt8] = []
            var count = indexes.count
            if let conversionSchema, let conversion = configuration.formatConversion {
                let (parquet, rejected) = try RecordFormatConverter.convert(records, indexes: indexes, schema: conversionSchema, compression: conversion.parquetCompression)
                for (index, reason) in rejected {
                    failures.append((index, "DataFormatConversion.MalformedData", reason, "format-conversion-failed"))
                }
                guard let parquet else { continue }
                body = parquet
                count -= rejected.count
            } else {
                body.reserveCapacity(indexes.reduce(0) { $0 + records[$1].data.count + 1 })
                for index in indexes {
                    body.append(contentsOf: records[index].data)
                    if configuration.appendNewline { body.append(0x0A) }
                }
                if configuration.compression == .gzip { body = try GzipCompressor.compress(body) }
            }
            let oldest = indexes.map { records[$0].arrival }.min() ?? now
            let identity = Self.digest("\(name)|\(batchID)|\(Self.sortKey(partitions))")
            let keyPrefix = prefix.evaluate(
                arrival: oldest, randomString: Self.randomString(identity), partitions: partitions, appendDefaultTimestamp: !configuration.dynamicPartitioning)
            objects.append(PlannedObject(key: keyPrefix + objectName(oldest, identity), body: body, recordCount: count, isError: false))
        }
        let failureTypes = Set(failures.map(\.type)).sorted()
        for type in failureTypes {
            let mine = failures.filter { $0.type == type }.sorted { $0.index < $1.index }
            var body: [UInt8] = []
            for failure in mine {
                let record = records[failure.index]
                var document: [String: Any] = [
                    "attemptsMade": 1, "arrivalTimestamp": record.arrival, "errorCode": failure.code, "errorMessage": failure.message,
                    "attemptEndingTimestamp": now, "rawData": Data(record.data).base64EncodedString(),
                    "sequenceNumber": SequenceNumber(shard: record.shard, ordinal: record.ordinal).description,
                ]
                if type == "format-conversion-failed", let conversion = configuration.formatConversion {
                    document["dataCatalogTable"] = ["databaseName": conversion.databaseName, "tableName": conversion.tableName]
                }
                if let json = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]) { body += Array(json) }
                body.append(0x0A)
            }
            let oldest = mine.map { records[$0.index].arrival }.min() ?? now
            let identity = Self.digest("\(name)|\(batchID)|errors|\(type)")
            let keyPrefix = errorPrefix.evaluate(arrival: oldest, randomString: Self.randomString(identity), errorOutputType: type, appendDefaultTimestamp: true)
            objects.append(PlannedObject(key: keyPrefix + objectName(oldest, identity, isError: true), body: body, recordCount: mine.count, isError: true))
        }
        return objects
    }

    func objectName(_ arrival: Int64, _ identity: [UInt8], isError: Bool = false) -> String {
        let hex = Hex.encode(identity.prefix(16))
        let chars = Array(hex)
        let uuid = String(chars[0..<8]) + "-" + String(chars[8..<12]) + "-" + String(chars[12..<16]) + "-" + String(chars[16..<20]) + "-" + String(chars[20..<32])
        var name = "\(self.name)-\(version)-\(PrefixTemplate.nameTimestamp(arrival))-\(uuid)"
        if !isError { name += configuration.fileExtension ?? defaultExtension }
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
