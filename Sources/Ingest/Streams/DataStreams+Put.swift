import TarnCore

/// The outcome of one record of a PutRecords call.
public enum PutRecordOutcome: Sendable, Equatable {
    /// Stored and durable at this position.
    case stored(SequenceNumber)
    /// Rejected; `code` is the Kinesis error code.
    case failed(code: String, message: String)
}

extension DataStreams {
    /// PutRecords: routes each record to the open shard owning its hash key, appends each shard's
    /// share with one gathered write straight from the input's frames, and returns once every stored record is durable.
    ///
    /// Records are independent, as in Kinesis: a throttled record fails alone
    /// (`ProvisionedThroughputExceededException`), the others are stored.
    /// - Returns: one outcome per input entry, in order.
    /// - Throws: `ResourceNotFoundException`; `TarnError(.io)` when the logs cannot be written or
    ///   synced (then nothing is acknowledged); for an encrypted stream, the key service's error
    ///   when its KMS key cannot be used (disabled, pending deletion, access denied).
    public func put(stream name: String, _ input: PutRecordsInput) async throws -> [PutRecordOutcome] {
        let runtime = try self.runtime(name)
        var outcomes = [PutRecordOutcome](repeating: .failed(code: "InternalFailure", message: "not processed"), count: input.entries.count)
        var pending = Array(input.entries.indices)
        var touched: [Int: ShardLog] = [:]
        // Hash keys once; a reshard between attempts only changes which range owns them.
        let keys: [UInt128] = input.bytes.withUnsafeBytes { raw in
            input.entries.map { entry in
                entry.explicitHashKey ?? HashKey.of(partitionKey: UnsafeRawBufferPointer(rebasing: raw[entry.partitionKey]))
            }
        }
        var attempt = 0
        // Checked once per call, outside the shard locks: the key service may do I/O, and a
        // disabled KMS key fails the whole call before anything is written.
        let generation = try runtime.keyring.writeGeneration(now: nowMilliseconds)
        while !pending.isEmpty {
            attempt += 1
            let now = nowMilliseconds
            var routes = runtime.state.withLock { $0.routes }
            if routes.isEmpty || attempt > 200 {
                throw TarnError(.resourceInUse, "Stream \(name) under account \(configuration.accountID) has no open shard to write to.")
            }
            // Group by shard.
            var groups: [Int: [Int]] = [:]
            var unrouted: [Int] = []
            for record in pending {
                guard let route = StreamRuntime.route(keys[record], in: routes) else {
                    unrouted.append(record)
                    continue
                }
                groups[route, default: []].append(record)
            }
            if configuration.shardRecordsPerSecond != nil || configuration.shardBytesPerSecond != nil {
                runtime.state.withLock { state in
                    for (route, records) in groups {
                        let index = routes[route].index
                        guard var limiter = state.limiters[index] else { continue }
                        var admitted: [Int] = []
                        for record in records {
                            let size = input.entries[record].data.count + input.entries[record].partitionKey.count
                            if limiter.admit(bytes: size, now: now) {
                                admitted.append(record)
                            } else {
                                outcomes[record] = .failed(
                                    code: TarnError.Code.provisionedThroughputExceeded.rawValue,
                                    message: "Rate exceeded for shard \(ShardID.format(index)) in stream \(name) under account \(configuration.accountID).")
                            }
                        }
                        state.limiters[index] = limiter
                        groups[route] = admitted
                    }
                }
            }
            pending = unrouted
            for (route, records) in groups.sorted(by: { $0.key < $1.key }) where !records.isEmpty {
                let frames = records.map { input.entries[$0].frame }
                let log = routes[route].log
                do {
                    let first = try input.bytes.withUnsafeBytes { try log.append(frames: frames, in: $0, now: now, encryptedUnder: generation) }
                    for (position, record) in records.enumerated() {
                        outcomes[record] = .stored(SequenceNumber(shard: log.shard, ordinal: first + UInt64(position)))
                    }
                    touched[log.shard] = log
                } catch let error as TarnError where error.code == .closedShard {
                    // A reshard closed the shard after routing: route these again.
                    pending += records
                }
            }
            if !pending.isEmpty {
                routes = []
                try await Task.sleep(nanoseconds: 2_000_000)
            }
        }
        try await scheduler.waitDurable(Array(touched.values))
        return outcomes
    }

    /// The maximum records per PutRecords call (API_PutRecords: "Each PutRecords request can
    /// support up to 500 records").
    public static let maxRecordsPerPut = 500
    /// The maximum payload of one PutRecords call, keys included (5 MiB).
    public static let maxBytesPerPut = 5 << 20
}
