import TarnCore

/// A decoded PutRecords (Kinesis) or PutRecordBatch (Firehose) body: the top-level string
/// members and the records, decoded into one `PutRecordsInput` buffer.
public struct RecordsRequest: Sendable {
    /// Top-level members whose values are strings (`StreamName`, `StreamARN`, `DeliveryStreamName`).
    public var members: [String: String] = [:]
    /// The records.
    public var input = PutRecordsInput()
}

/// Reads `{"StreamName": …, "Records": [{"Data": base64, "PartitionKey": …, "ExplicitHashKey": …}]}`
/// in one pass, base64-decoding each `Data` straight into the shared buffer.
/// Constraints are the APIs' (API_PutRecords, API_PutRecordBatch): 1–500 records, data up to
/// 1 MiB (Kinesis) or 1,000 KiB (Firehose) each, partition keys of 1–256 characters.
public enum RecordsRequestDecoder {
    /// Decodes a body.
    /// - Parameters:
    ///   - body: the JSON text.
    ///   - partitionKeys: whether records must carry a `PartitionKey` (Kinesis) or carry only `Data` (Firehose).
    ///   - maxDataBytes: the largest decoded `Data` allowed per record.
    /// - Throws: `SerializationException` for malformed JSON or base64, `ValidationException` for
    ///   constraint violations, naming the record as AWS does (`records.3.member.data`).
    public static func decode(_ body: [UInt8], partitionKeys: Bool, maxDataBytes: Int = LogFrame.maxDataSize) throws -> RecordsRequest {
        var request = RecordsRequest()
        request.input.bytes.reserveCapacity(body.count * 3 / 4)
        try body.withUnsafeBytes { raw in
            var scanner = JSONScanner(raw)
            try scanner.expect(UInt8(ascii: "{"))
            if !scanner.consume(UInt8(ascii: "}")) {
                repeat {
                    let key = try scanner.string()
                    try scanner.expect(UInt8(ascii: ":"))
                    if scanner.matches(key, "Records") {
                        try decodeRecords(&scanner, into: &request.input, partitionKeys: partitionKeys, maxDataBytes: maxDataBytes)
                    } else if scanner.peek() == UInt8(ascii: "\"") {
                        let value = try scanner.string()
                        request.members[try scanner.decode(key)] = try scanner.decode(value)
                    } else {
                        try scanner.skipValue()
                    }
                } while scanner.consume(UInt8(ascii: ","))
                try scanner.expect(UInt8(ascii: "}"))
            }
            try scanner.expectEnd()
        }
        let count = request.input.entries.count
        guard count >= 1 && count <= DataStreams.maxRecordsPerPut else {
            throw TarnError(
                .validation,
                "1 validation error detected: Value '\(count)' at 'records' failed to satisfy constraint: Member must have length \(count == 0 ? "greater than or equal to 1" : "less than or equal to 500")")
        }
        return request
    }

    private static func decodeRecords(_ scanner: inout JSONScanner, into input: inout PutRecordsInput, partitionKeys: Bool, maxDataBytes: Int) throws {
        if scanner.consumeNull() { return }
        try scanner.expect(UInt8(ascii: "["))
        if scanner.consume(UInt8(ascii: "]")) { return }
        repeat {
            let number = input.entries.count + 1
            var data: Range<Int>? = nil
            var key: Range<Int>? = nil
            var explicit: UInt128? = nil
            try scanner.expect(UInt8(ascii: "{"))
            if !scanner.consume(UInt8(ascii: "}")) {
                repeat {
                    let name = try scanner.string()
                    try scanner.expect(UInt8(ascii: ":"))
                    if scanner.consumeNull() { continue }
                    if scanner.matches(name, "Data") {
                        let text = try scanner.string()
                        guard !text.hasEscapes else { throw TarnError(.serialization, "records.\(number).member.data is not valid base64") }
                        let start = input.bytes.count
                        guard Base64.decode(scanner.raw(text), appendingTo: &input.bytes) else {
                            throw TarnError(.serialization, "records.\(number).member.data is not valid base64")
                        }
                        guard input.bytes.count - start <= maxDataBytes else {
                            throw TarnError(
                                .validation,
                                "1 validation error detected: Value at 'records.\(number).member.data' failed to satisfy constraint: Member must have length less than or equal to \(maxDataBytes)")
                        }
                        data = start..<input.bytes.count
                    } else if partitionKeys && scanner.matches(name, "PartitionKey") {
                        let text = try scanner.string()
                        let start = input.bytes.count
                        if text.hasEscapes {
                            input.bytes.append(contentsOf: try scanner.decode(text).utf8)
                        } else {
                            input.bytes.append(contentsOf: scanner.raw(text))
                        }
                        key = start..<input.bytes.count
                    } else if partitionKeys && scanner.matches(name, "ExplicitHashKey") {
                        explicit = try HashKey.parse(try scanner.decode(try scanner.string()))
                    } else {
                        try scanner.skipValue()
                    }
                } while scanner.consume(UInt8(ascii: ","))
                try scanner.expect(UInt8(ascii: "}"))
            }
            guard let data else {
                throw TarnError(.validation, "1 validation error detected: Value null at 'records.\(number).member.data' failed to satisfy constraint: Member must not be null")
            }
            if partitionKeys {
                guard let key else {
                    throw TarnError(.validation, "1 validation error detected: Value null at 'records.\(number).member.partitionKey' failed to satisfy constraint: Member must not be null")
                }
                let characters = key.count <= 256 ? key.count : String(decoding: input.bytes[key], as: UTF8.self).unicodeScalars.count
                guard key.count >= 1, characters <= 256 else {
                    throw TarnError(
                        .validation,
                        "1 validation error detected: Value at 'records.\(number).member.partitionKey' failed to satisfy constraint: Member must have length \(key.isEmpty ? "greater than or equal to 1" : "less than or equal to 256")")
                }
                input.entries.append(PutRecordsInput.Entry(partitionKey: key, data: data, explicitHashKey: explicit))
            } else {
                input.entries.append(PutRecordsInput.Entry(partitionKey: data.lowerBound..<data.lowerBound, data: data))
            }
            guard input.entries.count <= DataStreams.maxRecordsPerPut else {
                throw TarnError(.validation, "1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to 500")
            }
        } while scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "]"))
    }
}
