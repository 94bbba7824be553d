import Foundation

/// The fixed vocabulary of the retail data set (same values as gen_retail.py).
enum RetailVocabulary {
    static let regions = ["northeast", "southeast", "midwest", "southwest", "west", "northwest", "central", "mountain"]
    static let regionWeights = [0.17, 0.15, 0.14, 0.11, 0.16, 0.09, 0.10, 0.08]
    static let cities: [[String]] = [
        ["Boston", "New York", "Philadelphia", "Hartford"], ["Atlanta", "Miami", "Charlotte", "Orlando"],
        ["Chicago", "Detroit", "Minneapolis", "Columbus"], ["Phoenix", "Albuquerque", "Tucson", "El Paso"],
        ["Los Angeles", "San Francisco", "San Diego", "Sacramento"], ["Seattle", "Portland", "Boise", "Spokane"],
        ["Dallas", "Houston", "Kansas City", "Oklahoma City"], ["Denver", "Salt Lake City", "Las Vegas", "Cheyenne"],
    ]
    static let categories = [
        "electronics", "grocery", "apparel", "home", "beauty", "toys", "sports", "books", "garden", "automotive", "pet", "office",
        "jewelry", "shoes", "baby", "health", "furniture", "music", "tools", "kitchen",
    ]
    /// Median list price in cents per category.
    static let categoryPrice = [15000, 450, 3500, 4000, 1800, 2500, 4500, 1600, 3000, 5000, 2200, 1500, 12000, 7000, 2800, 1400, 25000, 1900, 6000, 3500]
    static let brands = [
        "Acme", "Northwind", "Contoso", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Tyrell", "Cyberdyne",
        "Soylent", "Gringotts", "Monarch", "Oceanic", "Pied Piper", "Wonka", "Aperture", "Blue Sun",
    ]
    static let adjectives = ["Classic", "Premium", "Eco", "Ultra", "Basic", "Deluxe", "Compact", "Pro", "Smart", "Vintage"]
    static let nouns = ["Item", "Pack", "Set", "Kit", "Model", "Edition", "Bundle", "Series"]
    static let payments = ["credit_card", "debit_card", "cash", "mobile_wallet", "gift_card"]
    static let paymentWeights = [0.42, 0.26, 0.15, 0.13, 0.04]
    static let devices = ["mobile", "desktop", "tablet"]
    static let deviceWeights = [0.58, 0.34, 0.08]
    static let referrers = [
        "https://www.google.com/", "https://www.bing.com/", "https://www.facebook.com/", "https://www.instagram.com/",
        "https://mail.example.com/newsletter", "https://partner.example.net/deals",
    ]
    /// The remainder (0.35) is direct traffic (null referrer).
    static let referrerWeights = [0.35, 0.05, 0.08, 0.07, 0.07, 0.03, 0.35]
    static let searchTerms = [
        "shoes", "tv", "laptop", "coffee", "dog+food", "lego", "jeans", "blender", "headphones", "sofa", "drill", "lipstick", "diapers",
        "novel", "tent", "vitamins", "guitar", "desk", "ring", "tires",
    ]
    static let eventTypes = ["page_view", "search", "add_to_cart", "checkout", "purchase"]
    static let badQuantities = ["two", "N/A", "1O", "x", "?"]
    static let badTimestamps = ["2024-02-30T10:15:00", "not-a-date", "31/01/2024 10:15", "2024-13-01T00:00:00", "2024-01-15T25:61:00", "1705312512"]
    static let emptyFields = ["order_id", "store_id", "product_id", "quantity", "sold_at"]
}

/// Stores, products and their popularity, derived from the seed and scale.
struct RetailWorld {
    struct Store {
        var id: String
        var region: Int
        var city: String
        var weight: Double
        var squareFeet: Int
        var openedDaysBefore: Int
    }

    struct Product {
        var id: String
        var name: String
        var category: Int
        var brand: Int
        var priceCents: Int
        var costCents: Int
    }

    let stores: [Store]
    let products: [Product]
    let productCumulative: [Double]
    let storeCumulative: [Double]
    let customers: Int
    let users: Int

    init(scale: Double, seed: UInt64) {
        var random = SeededRandom(seed: seed, stream: 0)
        let storeCount = max(10, Int((200 * scale).rounded()))
        let productCount = max(1000, Int((10_000 * scale.squareRoot()).rounded()))
        customers = max(1000, Int((1_000_000 * scale).rounded()))
        users = max(1000, Int((2_000_000 * scale).rounded()))
        let regionCumulative = cumulative(RetailVocabulary.regionWeights)
        var stores: [Store] = []
        for index in 1...storeCount {
            let region = random.pick(cumulative: regionCumulative)
            let weight = exp(0.5 * random.normal())
            stores.append(
                Store(
                    id: "S" + pad(index, 4), region: region, city: RetailVocabulary.cities[region][random.int(0...3)], weight: weight,
                    squareFeet: 5000 + Int(weight * 20_000) / 100 * 100, openedDaysBefore: random.int(0...(365 * 20))))
        }
        self.stores = stores
        storeCumulative = cumulative(stores.map(\.weight))
        var products: [Product] = []
        var popularity: [Double] = []
        for index in 1...productCount {
            let category = random.int(0...(RetailVocabulary.categories.count - 1))
            let brand = random.int(0...(RetailVocabulary.brands.count - 1))
            let median = Double(RetailVocabulary.categoryPrice[category])
            let price = max(99, Int(median * exp(0.45 * random.normal())) / 10 * 10 + 9)
            let cost = Int(Double(price) * (0.45 + 0.35 * random.unit()))
            let name = [
                RetailVocabulary.brands[brand], RetailVocabulary.adjectives[random.int(0...9)], RetailVocabulary.categories[category],
                RetailVocabulary.nouns[random.int(0...7)], String(index),
            ].joined(separator: " ")
            products.append(Product(id: "P" + pad(index, 6), name: name, category: category, brand: brand, priceCents: price, costCents: cost))
            popularity.append(1.0 / pow(Double(index) + 5, 0.9))
        }
        // Popularity rank is not the id order.
        popularity.shuffle(using: &random)
        self.products = products
        productCumulative = cumulative(popularity)
    }
}

/// Zero-padded decimal.
func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

/// Cents as `D.CC`.
func cents(_ value: Int) -> String { "\(value / 100).\(pad(value % 100, 2))" }
