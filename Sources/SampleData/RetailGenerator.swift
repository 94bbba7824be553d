import Foundation
import TarnCore

/// Options for `RetailGenerator`.
public struct RetailOptions: Sendable {
    /// Scale factor: 1 ≈ 10 M sales rows and 10 M events over 91 days (as gen_retail.py).
    public var scale: Double = 0.1
    /// Seed; the same seed and options give byte-identical files.
    public var seed: UInt64 = 42
    /// First day generated, `YYYY-MM-DD`.
    public var startDate = "2024-03-01"
    /// Number of days generated.
    public var days = 7
    /// Share of sales rows re-sent in the same nightly batch (exact duplicates).
    public var duplicateRate = 0.01
    /// Share of sales rows that are dirty.
    public var dirtyRate = 0.003

    /// Default options: scale 0.1, one week from 2024-03-01.
    public init() {}
}

/// What `RetailGenerator` wrote; saved as `manifest.json`.
public struct RetailManifest: Sendable, Codable, Equatable {
    /// Generator options.
    public var scale: Double
    public var seed: UInt64
    public var startDate: String
    public var days: Int
    /// Sales lines written, including duplicates and dirty rows.
    public var salesRows: Int
    /// Exact duplicate lines (re-sent rows), counted once per extra copy.
    public var salesDuplicateRows: Int
    /// Dirty source lines (before duplication).
    public var salesDirtySourceRows: Int
    /// Dirty lines including dirty duplicates.
    public var salesDirtyRowsTotal: Int
    /// Rows a correct pipeline keeps: clean and distinct.
    public var salesCleanDistinctRows: Int
    /// Clickstream events.
    public var clickstreamRows: Int
    /// Inventory snapshot rows.
    public var inventoryRows: Int
    /// Products and stores.
    public var products: Int
    public var stores: Int
    /// Every file written, relative to the output directory, in order.
    public var files: [String]
    /// Bytes written.
    public var bytes: Int64
}

/// Generates the retail data set (see the module overview for the layout).
public struct RetailGenerator: Sendable {
    /// The options.
    public let options: RetailOptions

    /// Creates a generator.
    public init(options: RetailOptions) { self.options = options }

    /// Writes every file under `directory`.
    /// - Parameter progress: called with (files done, files total) as files are written.
    /// - Returns: the manifest (also written as `manifest.json`).
    public func generate(to directory: String, progress: (Int, Int) -> Void = { _, _ in }) throws -> RetailManifest {
        guard options.scale > 0, options.days > 0 else { throw TarnError(.invalidArgument, "scale and days must be positive") }
        guard let start = DayCalendar.days(from: options.startDate) else {
            throw TarnError(.invalidArgument, "start date must be YYYY-MM-DD, got '\(options.startDate)'")
        }
        let world = RetailWorld(scale: options.scale, seed: options.seed)
        var manifest = RetailManifest(
            scale: options.scale, seed: options.seed, startDate: options.startDate, days: options.days, salesRows: 0, salesDuplicateRows: 0,
            salesDirtySourceRows: 0, salesDirtyRowsTotal: 0, salesCleanDistinctRows: 0, clickstreamRows: 0, inventoryRows: 0,
            products: world.products.count, stores: world.stores.count, files: [], bytes: 0)
        let total = 2 + options.days * (world.stores.count + 1 + 24)
        var done = 0
        func write(_ relative: String, _ bytes: [UInt8]) throws {
            let path = directory + "/" + relative
            try FileSystem.createDirectory(FileSystem.parentDirectory(of: path))
            let file = try PosixFile(path: path, mode: .truncate)
            try file.write(bytes)
            manifest.files.append(relative)
            manifest.bytes += Int64(bytes.count)
            done += 1
            progress(done, total)
        }
        try write("products/products.csv", productsCSV(world))
        try write("stores/stores.csv", storesCSV(world))
        var orderCounter = 0
        for day in 0..<options.days {
            let date = DayCalendar.string(start + day)
            let sales = SalesDay(world: world, options: options, dayIndex: day, dayNumber: start + day, firstOrder: orderCounter)
            orderCounter = sales.nextOrder
            for (store, file) in sales.files {
                try write("sales/\(date)/pos-\(store).csv", file.bytes)
                manifest.salesRows += file.rows
                manifest.salesDuplicateRows += file.duplicates
                manifest.salesDirtySourceRows += file.dirtySource
                manifest.salesDirtyRowsTotal += file.dirtyTotal
                manifest.salesCleanDistinctRows += file.cleanDistinct
            }
            let inventory = InventoryDay.csv(world: world, seed: options.seed, dayNumber: start + day)
            try write("inventory/\(date)/inventory.csv", inventory.bytes)
            manifest.inventoryRows += inventory.rows
            let clicks = ClickstreamDay(world: world, options: options, dayNumber: start + day)
            for (hour, bytes) in clicks.hourlyFiles.enumerated() {
                try write("clickstream/\(date)/events-\(pad(hour, 2)).jsonl", bytes)
            }
            manifest.clickstreamRows += clicks.events
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = try encoder.encode(manifest)
        try FileSystem.writeAtomically(Array(json), to: directory + "/manifest.json")
        return manifest
    }

    func productsCSV(_ world: RetailWorld) -> [UInt8] {
        var text = "product_id,product_name,category,brand,list_price,unit_cost\n"
        for product in world.products {
            text += "\(product.id),\(product.name),\(RetailVocabulary.categories[product.category]),\(RetailVocabulary.brands[product.brand]),\(cents(product.priceCents)),\(cents(product.costCents))\n"
        }
        return Array(text.utf8)
    }

    func storesCSV(_ world: RetailWorld) -> [UInt8] {
        var text = "store_id,store_name,region,city,opened_on,sq_ft\n"
        let reference = DayCalendar.days(from: "2024-01-01")!
        for (index, store) in world.stores.enumerated() {
            let opened = DayCalendar.string(reference - store.openedDaysBefore)
            text += "\(store.id),Store #\(pad(index + 1, 4)) \(store.city),\(RetailVocabulary.regions[store.region]),\(store.city),\(opened),\(store.squareFeet)\n"
        }
        return Array(text.utf8)
    }
}

/// Days since 1970-01-01 ⇄ `YYYY-MM-DD` (proleptic Gregorian, UTC).
enum DayCalendar {
    static func days(from text: String) -> Int? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month),
            (1...31).contains(day)
        else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func string(_ days: Int) -> String {
        let (year, month, day) = civil(days)
        return "\(year)-\(pad(month, 2))-\(pad(day, 2))"
    }

    static func civil(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Day of week, 0 = Monday.
    static func weekday(_ days: Int) -> Int { ((days % 7) + 10) % 7 }

    /// `YYYY-MM-DDTHH:MM:SS` for a second of the day.
    static func timestamp(day: Int, second: Int) -> String {
        "\(string(day))T\(pad(second / 3600, 2)):\(pad(second % 3600 / 60, 2)):\(pad(second % 60, 2))"
    }
}
