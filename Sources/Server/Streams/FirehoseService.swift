import Access
import Foundation
import Ingest
import TarnCore

/// Amazon Data Firehose over the AWS JSON 1.1 protocol (`X-Amz-Target: Firehose_20150804.*`),
/// for S3 destinations (docs.aws.amazon.com/firehose/latest/APIReference/).
public struct FirehoseService: AWSJSONService {
    /// The delivery streams served.
    public let delivery: DeliveryStreams
    /// The data streams a delivery stream may read.
    public let streams: DataStreams
    /// `Firehose_20150804`.
    public var targetPrefix: String { "Firehose_20150804" }
    /// `firehose`.
    public var signingName: String { "firehose" }
    /// Every operation is authorized against the ARN of its delivery stream.
    public var authorizesResources: Bool { true }
    let authorization: StreamAuthorization

    /// Creates the service.
    /// - Parameter authorizer: decides each request against its delivery stream's ARN.
    public init(delivery: DeliveryStreams, streams: DataStreams, authorizer: Authorizer) {
        self.delivery = delivery
        self.streams = streams
        self.authorization = StreamAuthorization(authorizer: authorizer)
    }

    /// Operations on one delivery stream, authorized as `firehose:<Operation>` against its ARN
    /// (Service Authorization Reference, "Actions, resources, and condition keys for Amazon Data
    /// Firehose": resource type `deliverystream`); ListDeliveryStreams is authorized on `*`.
    static let deliveryStreamOperations: Set<String> = [
        "CreateDeliveryStream", "DescribeDeliveryStream", "DeleteDeliveryStream", "PutRecord", "PutRecordBatch", "StartDeliveryStreamEncryption",
        "StopDeliveryStreamEncryption", "ListTagsForDeliveryStream",
    ]

    /// Throws `AccessDeniedException` unless the caller may do `operation` on `name`'s delivery
    /// stream (nil: the account).
    func authorize(_ operation: String, deliveryStream name: String?, caller: AWSJSONCaller) throws {
        try authorization.require(caller, action: "firehose:" + operation, resource: name.map(delivery.arn) ?? "*")
    }

    /// PutRecordBatch skips the generic JSON tree (it is the DirectPut ingest path).
    public func handleRaw(operation: String, body: [UInt8], caller: AWSJSONCaller) async throws -> [UInt8]? {
        guard operation == "PutRecordBatch" else { return nil }
        let request = try RecordsRequestDecoder.decode(body, partitionKeys: false, maxDataBytes: DeliveryStreams.maxRecordBytes)
        guard let name = request.members["DeliveryStreamName"] else {
            throw AWSJSONError("ValidationException", "1 validation error detected: Value null at 'deliveryStreamName' failed to satisfy constraint: Member must not be null")
        }
        try authorize(operation, deliveryStream: name, caller: caller)
        guard request.input.payloadBytes <= DeliveryStreams.maxBatchBytes else {
            throw AWSJSONError("InvalidArgumentException", "Records size exceeds 4 MiB limit: the batch's data totals \(request.input.payloadBytes) bytes.")
        }
        let (ids, encrypted) = try await delivery.put(name: name, request.input)
        var writer = JSONWriter(capacity: 64 + ids.count * 48)
        writer.raw(encrypted ? "{\"Encrypted\":true,\"FailedPutCount\":0,\"RequestResponses\":[" : "{\"Encrypted\":false,\"FailedPutCount\":0,\"RequestResponses\":[")
        for (index, id) in ids.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw("{\"RecordId\":")
            writer.string(id)
            writer.raw("}")
        }
        writer.raw("]}")
        return writer.bytes
    }

    public func handle(operation: String, request: AWSJSONRequest) async throws -> AWSJSONValue {
        // Fail closed: an operation without a line here is refused, not run unauthorized.
        if operation == "ListDeliveryStreams" {
            try authorize(operation, deliveryStream: nil, caller: request.caller)
        } else if Self.deliveryStreamOperations.contains(operation) {
            try authorize(operation, deliveryStream: try request.string("DeliveryStreamName"), caller: request.caller)
        } else {
            throw AWSJSONError("UnknownOperationException", "Tarn does not implement Firehose operation \(operation)")
        }
        switch operation {
        case "CreateDeliveryStream": return try createDeliveryStream(request)
        case "DescribeDeliveryStream": return try describeDeliveryStream(request)
        case "ListDeliveryStreams": return try listDeliveryStreams(request)
        case "DeleteDeliveryStream":
            try await delivery.delete(name: try request.string("DeliveryStreamName"))
            return .object([:])
        case "PutRecord":
            let name = try request.string("DeliveryStreamName")
            guard let data = request.body["Record"]?["Data"]?.string else {
                throw AWSJSONError("ValidationException", "1 validation error detected: Value null at 'record.data' failed to satisfy constraint: Member must not be null")
            }
            var bytes: [UInt8] = []
            guard Array(data.utf8).withUnsafeBytes({ Base64.decode($0, appendingTo: &bytes) }) else {
                throw AWSJSONError("SerializationException", "Record.Data is not valid base64")
            }
            guard bytes.count <= DeliveryStreams.maxRecordBytes else {
                throw AWSJSONError("ValidationException", "1 validation error detected: Value at 'record.data' failed to satisfy constraint: Member must have length less than or equal to 1024000")
            }
            var input = PutRecordsInput()
            input.append(partitionKey: "", data: bytes)
            let (ids, encrypted) = try await delivery.put(name: name, input)
            return .object(["RecordId": .string(ids.first ?? ""), "Encrypted": .bool(encrypted)])
        case "StartDeliveryStreamEncryption":
            let name = try request.string("DeliveryStreamName")
            let input = request.body["DeliveryStreamEncryptionConfigurationInput"]?.object ?? [:]
            guard let keyType = input["KeyType"]?.string else {
                throw AWSJSONError("InvalidArgumentException", "DeliveryStreamEncryptionConfigurationInput.KeyType is required.")
            }
            guard keyType == "CUSTOMER_MANAGED_CMK" else {
                // AWS owned keys live outside the account; Tarn has only the account's own KMS keys.
                throw AWSJSONError("InvalidArgumentException", "Tarn supports KeyType CUSTOMER_MANAGED_CMK only (with a KeyARN of this lake's KMS), not \(keyType).")
            }
            guard let keyARN = input["KeyARN"]?.string, !keyARN.isEmpty else {
                throw AWSJSONError("InvalidArgumentException", "KeyARN is required for KeyType CUSTOMER_MANAGED_CMK.")
            }
            try delivery.startEncryption(name: name, keyID: keyARN)
            return .object([:])
        case "StopDeliveryStreamEncryption":
            try delivery.stopEncryption(name: try request.string("DeliveryStreamName"))
            return .object([:])
        case "ListTagsForDeliveryStream":
            let info = try delivery.describe(try request.string("DeliveryStreamName"))
            return .object([
                "Tags": .array(info.tags.keys.sorted().map { .object(["Key": .string($0), "Value": .string(info.tags[$0] ?? "")]) }),
                "HasMoreTags": .bool(false),
            ])
        default:
            throw AWSJSONError("UnknownOperationException", "Tarn does not implement Firehose operation \(operation)")
        }
    }

    // MARK: create

    func createDeliveryStream(_ request: AWSJSONRequest) throws -> AWSJSONValue {
        let name = try request.string("DeliveryStreamName")
        let typeText = request.body["DeliveryStreamType"]?.string ?? "DirectPut"
        guard let type = DeliveryStreamConfiguration.SourceKind(rawValue: typeText) else {
            throw AWSJSONError("InvalidArgumentException", "DeliveryStreamType \(typeText) is not supported; use DirectPut or KinesisStreamAsSource.")
        }
        guard var destination = request.body["ExtendedS3DestinationConfiguration"]?.object ?? request.body["S3DestinationConfiguration"]?.object else {
            throw AWSJSONError("InvalidArgumentException", "Tarn delivers to S3 only: specify ExtendedS3DestinationConfiguration or S3DestinationConfiguration.")
        }
        guard let bucketARN = destination["BucketARN"]?.string, bucketARN.hasPrefix("arn:aws:s3:::"), bucketARN.count > 13 else {
            throw AWSJSONError("InvalidArgumentException", "BucketARN must be an S3 bucket ARN (arn:aws:s3:::bucket).")
        }
        var configuration = DeliveryStreamConfiguration(source: type, bucket: String(bucketARN.dropFirst(13)))
        // Deliveries act as this role (its policies decide every PutObject and data key).
        configuration.roleARN = destination["RoleARN"]?.string
        configuration.prefix = destination["Prefix"]?.string ?? ""
        configuration.errorOutputPrefix = destination["ErrorOutputPrefix"]?.string
        if let hints = destination["BufferingHints"]?.object {
            configuration.bufferSizeMiB = hints["SizeInMBs"]?.int ?? configuration.bufferSizeMiB
            configuration.bufferIntervalSeconds = hints["IntervalInSeconds"]?.int ?? configuration.bufferIntervalSeconds
        }
        if let format = destination["CompressionFormat"]?.string {
            guard let compression = DeliveryStreamConfiguration.Compression(rawValue: format) else {
                throw AWSJSONError("InvalidArgumentException", "Unknown CompressionFormat \(format).")
            }
            configuration.compression = compression
        }
        configuration.fileExtension = destination["FileExtension"]?.string
        configuration.dynamicPartitioning = destination["DynamicPartitioningConfiguration"]?["Enabled"]?.bool ?? false
        if let processing = destination["ProcessingConfiguration"]?.object, processing["Enabled"]?.bool != false {
            for processor in processing["Processors"]?.array ?? [] {
                let parameters = Dictionary(
                    (processor["Parameters"]?.array ?? []).compactMap { parameter in
                        parameter["ParameterName"]?.string.map { ($0, parameter["ParameterValue"]?.string ?? "") }
                    }, uniquingKeysWith: { _, last in last })
                switch processor["Type"]?.string {
                case "MetadataExtraction": configuration.metadataExtractionQuery = parameters["MetadataExtractionQuery"]
                case "AppendDelimiterToRecord":
                    if let delimiter = parameters["Delimiter"], delimiter != "\\n", delimiter != "\n" {
                        throw AWSJSONError("InvalidArgumentException", "Tarn's AppendDelimiterToRecord supports the newline delimiter only.")
                    }
                    configuration.appendNewline = true
                default:
                    throw AWSJSONError("InvalidArgumentException", "Processor type \(processor["Type"]?.string ?? "null") is not supported by Tarn (MetadataExtraction and AppendDelimiterToRecord are).")
                }
            }
        }
        if let conversion = destination["DataFormatConversionConfiguration"]?.object, conversion["Enabled"]?.bool != false {
            let schema = conversion["SchemaConfiguration"]?.object ?? [:]
            // Tarn extension: columns inline, for tables the catalog does not hold.
            let columns = schema["TarnColumns"]?.array?.compactMap { column -> SchemaColumn? in
                guard let name = column["Name"]?.string, let type = column["Type"]?.string else { return nil }
                return SchemaColumn(name: name, type: type)
            }
            let serializer = conversion["OutputFormatConfiguration"]?["Serializer"]?.object ?? [:]
            if serializer["OrcSerDe"] != nil {
                throw AWSJSONError("InvalidArgumentException", "Tarn converts records to Parquet only (ParquetSerDe), not ORC.")
            }
            if let deserializer = conversion["InputFormatConfiguration"]?["Deserializer"]?.object, deserializer["OpenXJsonSerDe"] == nil, deserializer["HiveJsonSerDe"] == nil {
                throw AWSJSONError("InvalidArgumentException", "InputFormatConfiguration must use OpenXJsonSerDe or HiveJsonSerDe.")
            }
            configuration.formatConversion = DeliveryStreamConfiguration.FormatConversion(
                databaseName: schema["DatabaseName"]?.string ?? "", tableName: schema["TableName"]?.string ?? "", inlineColumns: columns,
                parquetCompression: serializer["ParquetSerDe"]?["Compression"]?.string ?? "SNAPPY")
        }
        if type == .kinesisStream {
            let source = request.body["KinesisStreamSourceConfiguration"]
            guard let arn = source?["KinesisStreamARN"]?.string, let stream = DataStreams.name(fromARN: arn) else {
                throw AWSJSONError("InvalidArgumentException", "KinesisStreamSourceConfiguration.KinesisStreamARN is required for KinesisStreamAsSource.")
            }
            // API_KinesisStreamSourceConfiguration: RoleARN is required; the deliverer reads the
            // stream as this role (kinesis:DescribeStream, ListShards, GetShardIterator, GetRecords).
            guard let role = source?["RoleARN"]?.string, !role.isEmpty else {
                throw AWSJSONError("InvalidArgumentException", "KinesisStreamSourceConfiguration.RoleARN is required for KinesisStreamAsSource.")
            }
            configuration.sourceStreamName = stream
            configuration.sourceRoleARN = role
        }
        // What DescribeDeliveryStream shows: the request's destination with Firehose's defaults filled in.
        destination["BufferingHints"] = .object([
            "SizeInMBs": .number(Double(configuration.bufferSizeMiB)), "IntervalInSeconds": .number(Double(configuration.bufferIntervalSeconds)),
        ])
        destination["CompressionFormat"] = .string(configuration.compression.rawValue)
        destination["EncryptionConfiguration"] = destination["EncryptionConfiguration"] ?? .object(["NoEncryptionConfig": .string("NoEncryption")])
        destination["Prefix"] = .string(configuration.prefix)
        var tags: [String: String] = [:]
        for tag in request.body["Tags"]?.array ?? [] {
            if let key = tag["Key"]?.string { tags[key] = tag["Value"]?.string ?? "" }
        }
        try configuration.validate()
        try requirePassRole(configuration, caller: request.caller)
        try delivery.create(
            name: name, configuration: configuration, destinationDescription: String(decoding: AWSJSONValue.object(destination).serialized(), as: UTF8.self), tags: tags)
        return .object(["DeliveryStreamARN": .string(delivery.arn(name))])
    }

    /// `iam:PassRole`: a caller may hand Firehose only the roles it may pass, as IAM requires of
    /// every service that later acts as a role the caller names ("To pass a role … to an AWS
    /// service, a user must have permissions to pass the role to the service", IAM user guide,
    /// "Grant a user permissions to pass a role to an AWS service"); otherwise anyone allowed
    /// `firehose:CreateDeliveryStream` could write and read with the rights of any role. The
    /// decision carries `iam:PassedToService` = `firehose.amazonaws.com`; the root user passes
    /// unless explicitly denied. Checked after validation and before the role is looked up, so a
    /// denied caller cannot probe for role names.
    /// - Throws: `AccessDeniedException` worded as AWS words it, naming the first role refused.
    func requirePassRole(_ configuration: DeliveryStreamConfiguration, caller: AWSJSONCaller) throws {
        for (_, roleARN) in configuration.roles {
            try authorization.require(caller, action: "iam:PassRole", resource: roleARN, extra: ["iam:PassedToService": ["firehose.amazonaws.com"]])
        }
    }

    // MARK: describe and list

    func describeDeliveryStream(_ request: AWSJSONRequest) throws -> AWSJSONValue {
        let info = try delivery.describe(try request.string("DeliveryStreamName"))
        let extended = (try? AWSJSONValue.parse(Array(info.destinationDescription.utf8))) ?? .object([:])
        var simple: [String: AWSJSONValue] = [:]
        for key in ["RoleARN", "BucketARN", "Prefix", "ErrorOutputPrefix", "BufferingHints", "CompressionFormat", "EncryptionConfiguration"] {
            if let value = extended[key] { simple[key] = value }
        }
        var description: [String: AWSJSONValue] = [
            "DeliveryStreamName": .string(info.name),
            "DeliveryStreamARN": .string(delivery.arn(info.name)),
            "DeliveryStreamStatus": .string("ACTIVE"),
            "DeliveryStreamType": .string(info.configuration.source.rawValue),
            "VersionId": .string("1"),
            "CreateTimestamp": .timestamp(info.created),
            "Destinations": .array([
                .object([
                    "DestinationId": .string("destinationId-000000000001"), "ExtendedS3DestinationDescription": extended,
                    "S3DestinationDescription": .object(simple),
                ])
            ]),
            "HasMoreDestinations": .bool(false),
        ]
        if let stream = info.configuration.sourceStreamName {
            var source: [String: AWSJSONValue] = ["KinesisStreamARN": .string(streams.arn(stream)), "DeliveryStartTimestamp": .timestamp(info.created)]
            if let role = info.configuration.sourceRoleARN { source["RoleARN"] = .string(role) }
            description["Source"] = .object(["KinesisStreamSourceDescription": .object(source)])
        }
        if let key = info.encryptionKeyID {
            description["DeliveryStreamEncryptionConfiguration"] = .object([
                "KeyARN": .string(key), "KeyType": .string("CUSTOMER_MANAGED_CMK"), "Status": .string("ENABLED"),
            ])
        } else {
            description["DeliveryStreamEncryptionConfiguration"] = .object(["Status": .string("DISABLED")])
        }
        if let error = info.lastError {
            description["FailureDescription"] = .object(["Type": .string("UNKNOWN_ERROR"), "Details": .string(error)])
        }
        return .object(["DeliveryStreamDescription": .object(description)])
    }

    func listDeliveryStreams(_ request: AWSJSONRequest) throws -> AWSJSONValue {
        let limit = try request.int("Limit", in: 1...10_000) ?? 10
        var all = delivery.list()
        if let type = request.body["DeliveryStreamType"]?.string { all = all.filter { $0.configuration.source.rawValue == type } }
        if let start = request.body["ExclusiveStartDeliveryStreamName"]?.string { all = all.filter { $0.name > start } }
        let page = all.prefix(limit)
        return .object(["DeliveryStreamNames": .array(page.map { .string($0.name) }), "HasMoreDeliveryStreams": .bool(page.count < all.count)])
    }
}
