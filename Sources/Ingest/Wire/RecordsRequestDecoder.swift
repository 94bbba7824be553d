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
/// in one pass, writing each record straight into its unsealed `LogFrame` in one shared buffer:
/// header, partition key, then the base64-decoded `Data`, with the payload CRC-32 taken while the
/// record is still in cache. Producers may send `Data` before `PartitionKey` (boto3 does), so a
/// record's members are located first and its frame written when its object closes.
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
        try body.withUnsafeBytes { try decode($0, partitionKeys: partitionKeys, maxDataBytes: maxDataBytes) }
    }

    /// Decodes a body held in any contiguous memory (a network buffer).
    public static func decode(_ body: UnsafeRawBufferPointer, partitionKeys: Bool, maxDataBytes: Int = LogFrame.maxDataSize) throws -> RecordsRequest {
        var request = RecordsRequest()
        // Every frame's key and data are no longer than their JSON text (base64 is 4 characters
        // for 3 bytes, an escape is longer than what it stands for), so the body's size plus a
        // header per record bounds the frames: one allocation, never grown, never zero-filled.
        let capacity = body.count + DataStreams.maxRecordsPerPut * LogFrame.headerSize
        var entries: [PutRecordsInput.Entry] = []
        var payloadBytes = 0
        var members: [String: String] = [:]
        let frames = try [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            initialized = 0
            var writer = FrameWriter(output: UnsafeMutableRawBufferPointer(buffer))
            var scanner = JSONScanner(body)
            try scanner.expect(UInt8(ascii: "{"))
            if !scanner.consume(UInt8(ascii: "}")) {
                repeat {
                    let key = try scanner.string()
                    try scanner.expect(UInt8(ascii: ":"))
                    if scanner.matches(key, "Records") {
                        try decodeRecords(&scanner, into: &writer, entries: &entries, partitionKeys: partitionKeys, maxDataBytes: maxDataBytes)
                    } else if scanner.peek() == UInt8(ascii: "\"") {
                        let value = try scanner.string()
                        members[try scanner.decode(key)] = try scanner.decode(value)
                    } else {
                        try scanner.skipValue()
                    }
                } while scanner.consume(UInt8(ascii: ","))
                try scanner.expect(UInt8(ascii: "}"))
            }
            try scanner.expectEnd()
            initialized = writer.position
            payloadBytes = writer.payloadBytes
        }
        let count = entries.count
        guard count >= 1 && count <= DataStreams.maxRecordsPerPut else {
            throw TarnError(
                .validation,
                "1 validation error detected: Value '\(count)' at 'records' failed to satisfy constraint: Member must have length \(count == 0 ? "greater than or equal to 1" : "less than or equal to 500")")
        }
        request.members = members
        request.input.bytes = frames
        request.input.entries = entries
        request.input.payloadBytes = payloadBytes
        return request
    }

    /// Writes frames into the preallocated buffer.
    struct FrameWriter {
        let output: UnsafeMutableRawBufferPointer
        var position = 0
        var payloadBytes = 0
    }

    private static func decodeRecords(
        _ scanner: inout JSONScanner, into writer: inout FrameWriter, entries: inout [PutRecordsInput.Entry], partitionKeys: Bool, maxDataBytes: Int
    ) throws {
        if scanner.consumeNull() { return }
        try scanner.expect(UInt8(ascii: "["))
        if scanner.consume(UInt8(ascii: "]")) { return }
        repeat {
            let number = entries.count + 1
            // Checked before writing: the buffer holds frames for at most 500 records.
            guard entries.count < DataStreams.maxRecordsPerPut else {
                throw TarnError(.validation, "1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to 500")
            }
            var data: JSONScanner.StringToken? = nil
            var key: JSONScanner.StringToken? = nil
            var explicit: UInt128? = nil
            try scanner.expect(UInt8(ascii: "{"))
            if !scanner.consume(UInt8(ascii: "}")) {
                repeat {
                    let name = try scanner.string()
                    try scanner.expect(UInt8(ascii: ":"))
                    if scanner.consumeNull() { continue }
                    if scanner.matches(name, "Data") {
                        data = try scanner.string()
                    } else if partitionKeys && scanner.matches(name, "PartitionKey") {
                        key = try scanner.string()
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
            let text = scanner.raw(data)
            guard !data.hasEscapes, let dataCount = Base64.decodedCount(of: text) else {
                throw TarnError(.serialization, "records.\(number).member.data is not valid base64")
            }
            guard dataCount <= maxDataBytes else {
                throw TarnError(
                    .validation,
                    "1 validation error detected: Value at 'records.\(number).member.data' failed to satisfy constraint: Member must have length less than or equal to \(maxDataBytes)")
            }
            let frame = writer.position
            let keyStart = frame + LogFrame.headerSize
            var keyEnd = keyStart
            if partitionKeys {
                guard let key else {
                    throw TarnError(.validation, "1 validation error detected: Value null at 'records.\(number).member.partitionKey' failed to satisfy constraint: Member must not be null")
                }
                if key.hasEscapes {
                    var decoded = try scanner.decode(key)
                    decoded.withUTF8 { keyEnd += copy(UnsafeRawBufferPointer($0), to: writer.output, at: keyStart) }
                } else {
                    keyEnd += copy(scanner.raw(key), to: writer.output, at: keyStart)
                }
                let keyBytes = UnsafeRawBufferPointer(rebasing: writer.output[keyStart..<keyEnd])
                let characters = keyBytes.count <= 256 ? keyBytes.count : String(decoding: keyBytes, as: UTF8.self).unicodeScalars.count
                guard keyBytes.count >= 1, characters <= 256 else {
                    throw TarnError(
                        .validation,
                        "1 validation error detected: Value at 'records.\(number).member.partitionKey' failed to satisfy constraint: Member must have length \(keyBytes.isEmpty ? "greater than or equal to 1" : "less than or equal to 256")")
                }
            }
            guard Base64.decode(text, into: writer.output.baseAddress! + keyEnd) == dataCount else {
                throw TarnError(.serialization, "records.\(number).member.data is not valid base64")
            }
            let end = keyEnd + dataCount
            LogFrame.writeUnsealedHeader(
                into: writer.output, at: frame, keyLength: keyEnd - keyStart, dataLength: dataCount,
                payloadCRC: LogFrame.payloadCRC(UnsafeRawBufferPointer(rebasing: writer.output[keyStart..<end])))
            writer.position = end
            writer.payloadBytes += end - keyStart
            entries.append(PutRecordsInput.Entry(partitionKey: keyStart..<keyEnd, data: keyEnd..<end, explicitHashKey: explicit))
        } while scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "]"))
    }

    /// Copies `bytes` into `output` at `offset`; returns the count.
    private static func copy(_ bytes: UnsafeRawBufferPointer, to output: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        if let base = bytes.baseAddress, bytes.count > 0 { (output.baseAddress! + offset).copyMemory(from: base, byteCount: bytes.count) }
        return bytes.count
    }
}
