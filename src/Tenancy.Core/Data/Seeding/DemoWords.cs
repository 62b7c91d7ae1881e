namespace Tenancy.Core.Data.Seeding;

/// <summary>Word lists the demo data is assembled from. ASCII only, so slugs and domains need no transliteration.</summary>
internal static class DemoWords
{
    public static readonly string[] Prefixes =
    [
        "Northwind", "Acme", "Contoso", "Fabrikam", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Tyrell",
        "Blue", "Red", "Green", "Silver", "Golden", "Iron", "Copper", "Granite", "Crystal", "Amber",
        "Summit", "Pioneer", "Apex", "Vertex", "Zenith", "Horizon", "Meridian", "Pinnacle", "Keystone", "Cornerstone",
        "Bright", "Clear", "Swift", "Bold", "True", "Prime", "Nova", "Stellar", "Lunar", "Solar",
        "Atlas", "Orion", "Polaris", "Vega", "Sirius", "Helix", "Quantum", "Vector", "Nimbus", "Cirrus",
        "Evergreen", "Redwood", "Oakridge", "Maple", "Cedar", "Willow", "Aspen", "Birch", "Juniper", "Sequoia",
        "Harbor", "Bay", "River", "Lake", "Ocean", "Coastal", "Island", "Canyon", "Mesa", "Prairie",
        "Falcon", "Eagle", "Hawk", "Raven", "Fox", "Wolf", "Bear", "Lion", "Tiger", "Otter",
        "Alpha", "Beta", "Delta", "Gamma", "Sigma", "Omega", "Kappa", "Lambda", "Theta", "Epsilon",
        "Brick", "Anchor", "Beacon", "Compass", "Lantern", "Bridge", "Gateway", "Signal", "Spark", "Ember",
        "Urban", "Metro", "Civic", "Central", "United", "Allied", "Global", "Pacific", "Atlantic", "Nordic",
        "Pixel", "Byte", "Cloud", "Data", "Logic", "Code", "Stack", "Grid", "Node", "Circuit",
        "Sunrise", "Sunset", "Moonlight", "Starlight", "Daybreak", "Twilight", "Highland", "Lowland", "Westfield", "Eastgate",
        "Blackstone", "Whitestone", "Greystone", "Fairview", "Goodwin", "Hartley", "Kingsley", "Ashford", "Bradford", "Langley",
    ];

    /// <summary>Second halves of compound brand names ("Bright" + "wave" = "Brightwave").</summary>
    public static readonly string[] CompoundTails =
    [
        "wave", "works", "ly", "ify", "hub", "lab", "base", "point", "line", "path",
        "stack", "flow", "mint", "leaf", "field", "stone", "bridge", "gate", "port", "scale",
        "craft", "forge", "spring", "light", "sight", "sense", "mind", "shift", "loop", "beam",
        "nest", "wing", "spark", "cast", "view", "ware", "sync", "dock", "yard", "peak",
    ];

    public static readonly string[] Industries =
    [
        "Logistics", "Analytics", "Software", "Labs", "Health", "Dental", "Consulting", "Studio", "Systems", "Solutions",
        "Technologies", "Media", "Marketing", "Design", "Capital", "Partners", "Ventures", "Holdings", "Group", "Industries",
        "Foods", "Coffee", "Bakery", "Brewing", "Catering", "Farms", "Organics", "Nutrition", "Fitness", "Wellness",
        "Clinic", "Pharmacy", "Veterinary", "Therapy", "Care", "Medical", "Diagnostics", "Biotech", "Robotics", "Energy",
        "Solar", "Power", "Electric", "Plumbing", "Roofing", "Construction", "Builders", "Architects", "Interiors", "Realty",
        "Properties", "Estates", "Travel", "Tours", "Airways", "Freight", "Shipping", "Motors", "Auto", "Cycles",
        "Apparel", "Fashion", "Outfitters", "Jewelry", "Cosmetics", "Books", "Publishing", "Press", "Films", "Records",
        "Games", "Toys", "Education", "Academy", "Learning", "Tutoring", "Legal", "Accounting", "Insurance", "Finance",
        "Payments", "Security", "Networks", "Telecom", "Cloud", "Hosting", "Data", "AI", "Devices", "Electronics",
    ];

    public static readonly string[] Places =
    [
        "Riverside", "Lakeside", "Hillside", "Bayview", "Parkside", "Brookfield", "Springfield", "Greenville", "Fairfield", "Oakville",
        "Alpine", "Highland", "Coastal", "Northern", "Southern", "Western", "Eastern", "Midland", "Valley", "Harborview",
        "Boston", "Austin", "Denver", "Portland", "Seattle", "Chicago", "Brooklyn", "Berlin", "Munich", "Hamburg",
        "Vienna", "Zurich", "London", "Dublin", "Paris", "Lyon", "Madrid", "Lisbon", "Amsterdam", "Rotterdam",
        "Stockholm", "Oslo", "Helsinki", "Warsaw", "Prague", "Milan", "Sydney", "Melbourne", "Auckland", "Singapore",
        "Tokyo", "Osaka", "Seoul", "Manila", "Jakarta", "Sao Paulo", "Rio", "Santiago", "Bogota", "Lima",
    ];

    /// <summary>Adjective + noun names ("Blue Harbor Analytics").</summary>
    public static readonly string[] Nouns =
    [
        "Harbor", "Ridge", "Peak", "Valley", "Grove", "Meadow", "Creek", "Field", "Forest", "Garden",
        "Tower", "Castle", "Lighthouse", "Mill", "Forge", "Workshop", "Foundry", "Hive", "Nest", "Orchard",
        "Arrow", "Shield", "Crown", "Key", "Compass", "Anchor", "Sail", "Wave", "Stone", "Leaf",
    ];

    public static readonly string[] FirstNames =
    [
        "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
        "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
        "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Sandra", "Steven", "Ashley",
        "Paul", "Emily", "Andrew", "Michelle", "Joshua", "Amanda", "Kevin", "Melissa", "Brian", "Stephanie",
        "George", "Rebecca", "Timothy", "Laura", "Ryan", "Emma", "Jacob", "Olivia", "Ethan", "Sophia",
        "Noah", "Ava", "Liam", "Mia", "Lucas", "Isabella", "Oliver", "Charlotte", "Elijah", "Amelia",
        "Lukas", "Anna", "Felix", "Lena", "Jonas", "Hannah", "Leon", "Lea", "Maximilian", "Julia",
        "Emil", "Marie", "Finn", "Sophie", "Elias", "Clara", "Hugo", "Chloe", "Louis", "Camille",
        "Theo", "Manon", "Gabriel", "Ines", "Mateo", "Lucia", "Pablo", "Sofia", "Alejandro", "Valentina",
        "Joao", "Beatriz", "Pedro", "Mariana", "Rafael", "Gabriela", "Diego", "Camila", "Santiago", "Isabela",
        "Lars", "Ingrid", "Erik", "Astrid", "Mikael", "Freya", "Sven", "Elin", "Jan", "Katarzyna",
        "Piotr", "Agnieszka", "Tomas", "Petra", "Marco", "Giulia", "Luca", "Francesca", "Matteo", "Chiara",
        "Hiroshi", "Yuki", "Kenji", "Aiko", "Takumi", "Sakura", "Wei", "Mei", "Jun", "Li",
        "Min-jun", "Ji-woo", "Arjun", "Priya", "Rahul", "Ananya", "Vikram", "Kavya", "Amir", "Leila",
        "Omar", "Fatima", "Yusuf", "Aisha", "Kwame", "Amara", "Tunde", "Zainab", "Sipho", "Naledi",
        "Connor", "Siobhan", "Declan", "Aoife", "Callum", "Isla", "Angus", "Fiona", "Rhys", "Carys",
    ];

    public static readonly string[] LastNames =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
        "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
        "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
        "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
        "Mueller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
        "Keller", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krueger", "Hofmann",
        "Blanc", "Bernard", "Dubois", "Garnier", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
        "Simon", "Laurent", "Lefebvre", "Michel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine",
        "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Ferreira", "Almeida", "Carvalho", "Gomes",
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
        "Jansen", "de Vries", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot",
        "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsen", "Hansen", "Nielsen", "Virtanen",
        "Kowalski", "Nowak", "Wisniewski", "Novak", "Horvat", "Kovacs", "Popescu", "Ivanov", "Petrov", "Papadopoulos",
        "Murphy", "Kelly", "O'Brien", "Byrne", "Ryan", "Walsh", "MacDonald", "Stewart", "Evans", "Hughes",
        "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato",
        "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
        "Kim", "Park", "Choi", "Jung", "Kang", "Patel", "Sharma", "Singh", "Kumar", "Gupta",
        "Khan", "Ali", "Hassan", "Ahmed", "Okafor", "Mensah", "Adeyemi", "Mwangi", "Dlamini", "Nkosi",
        "Cohen", "Levi", "Friedman", "Goldberg", "Katz", "Novotny", "Svoboda", "Dvorak", "Kaya", "Yilmaz",
    ];

    public static readonly string[] FreeMailDomains = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "hotmail.com"];

    public static readonly double[] FreeMailWeights = [0.55, 0.2, 0.1, 0.07, 0.04, 0.04];

    public static readonly string[] ProjectNames =
    [
        "Website Redesign", "Mobile App", "Customer Onboarding", "Data Migration", "Marketing Site", "Brand Refresh",
        "Product Launch", "Annual Report", "Hiring Pipeline", "Vendor Contracts", "Support Knowledge Base", "Sales Playbook",
        "Q1 Planning", "Q2 Planning", "Q3 Planning", "Q4 Planning", "Office Move", "Compliance Audit", "Security Review",
        "Partner Portal", "Internal Wiki", "Design System", "Trade Show", "Newsletter", "Customer Research", "Budget",
        "Payroll", "Inventory", "Fleet Tracking", "Patient Records", "Course Material", "Recipe Book", "Photo Archive",
    ];

    /// <summary>
    /// Kinds of project items: file extension, typical names, and the median size (bytes) and
    /// spread of a log-normal size distribution, with how common the kind is.
    /// </summary>
    public static readonly (string Extension, string[] Stems, double MedianBytes, double Sigma, double Weight)[] ItemKinds =
    [
        ("pdf", ["brand-guidelines", "invoice", "contract", "proposal", "report", "specification", "price-list", "floor-plan"], 350_000, 1.2, 0.28),
        ("docx", ["meeting-notes", "minutes", "proposal", "contract", "onboarding-checklist", "job-description"], 60_000, 0.9, 0.16),
        ("xlsx", ["budget", "timesheet", "price-list", "survey-results", "inventory", "forecast"], 90_000, 1.0, 0.12),
        ("jpg", ["site-photo", "team-photo", "product-shot", "event"], 2_400_000, 0.6, 0.14),
        ("png", ["logo", "screenshot", "mockup", "diagram"], 600_000, 1.0, 0.1),
        ("csv", ["export", "survey-results", "customers", "transactions"], 150_000, 1.8, 0.08),
        ("pptx", ["presentation", "roadmap", "pitch-deck", "quarterly-review"], 4_000_000, 0.9, 0.06),
        ("zip", ["backup", "assets", "archive"], 25_000_000, 1.3, 0.04),
        ("mp4", ["training-video", "product-demo", "webinar-recording"], 80_000_000, 1.0, 0.02),
    ];
}
