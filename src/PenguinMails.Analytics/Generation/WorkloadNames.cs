namespace PenguinMails.Analytics.Generation;

/// <summary>
/// The names a generated workload gives its tenants (agencies), their clients, campaigns, senders
/// and leads, so that a demo reads like a real account. Picked by position, never at random: the
/// names do not move the generator's random sequence, and the first of each are unique.
/// </summary>
internal static class WorkloadNames
{
    private static readonly string[] Agencies =
    [
        "Acme Outreach", "Globex Sales", "Initech Growth", "Umbrella Leads", "Hooli Pipeline", "Stark Prospecting",
        "Wayne Revenue", "Soylent Demand", "Vandelay Partners", "Cyberdyne Outbound", "Tyrell Connect", "Wonka Growth Co",
    ];

    private static readonly string[] Clients =
    [
        "Northwind Analytics", "Bluebird Logistics", "Pinecrest Dental Supply", "Helio Solar", "Brightpath HR",
        "Copperleaf Insurance", "Silverline Security", "Harbor & Finch Legal", "Quanta Cloud", "Evergreen Facilities",
        "Redwood Payroll", "Lumen Health", "Atlas Freight", "Orchid Interiors", "Summit CPA Group", "Nimbus DevTools",
        "Foxglove Marketing", "Ironclad Manufacturing", "Meridian Travel", "Sparrow Learning", "Cobalt Robotics",
        "Juniper Realty", "Tidewater Energy", "Granite Data", "Willow Pet Care", "Beacon Recruiting", "Falcon Fleet",
        "Maple Street Bakery Supply", "Zenith Telecom", "Kestrel Consulting",
    ];

    private static readonly string[] Audiences =
    [
        "SaaS founders", "Heads of Operations", "CFOs at mid-market firms", "IT directors", "HR managers",
        "Clinic owners", "Procurement leads", "VP Sales", "Facilities managers", "Marketing directors",
        "Logistics managers", "Agency owners",
    ];

    private static readonly string[] Offers =
    [
        "demo invite", "cost review", "case study follow-up", "free audit", "new pricing", "webinar invite",
        "pilot offer", "renewal win-back", "partner intro", "product launch",
    ];

    private static readonly string[] Senders =
    [
        "maya", "liam", "sofia", "noah", "ava", "ethan", "zoe", "lucas", "mia", "owen", "lena", "samir",
        "priya", "diego", "hannah", "yuki", "omar", "grace", "felix", "nora",
    ];

    private static readonly string[] DomainForms = ["{0}.com", "get{0}.com", "try{0}.io", "{0}-mail.com", "hello{0}.co"];

    private static readonly string[] FirstNames =
    [
        "james", "olivia", "william", "emma", "benjamin", "amelia", "henry", "charlotte", "alexander", "isabella",
        "daniel", "harper", "matthew", "evelyn", "jackson", "abigail", "david", "emily", "joseph", "ella",
    ];

    private static readonly string[] LastNames =
    [
        "smith", "johnson", "brown", "garcia", "miller", "davis", "rodriguez", "martinez", "wilson", "anderson",
        "taylor", "thomas", "moore", "jackson", "martin", "lee", "thompson", "white", "harris", "clark",
    ];

    private static readonly string[] ProspectCompanies =
    [
        "acornlabs", "bayviewmed", "cedarworks", "deltafoods", "eastgate", "fernsoft", "goldcrest", "highpoint",
        "inkwell", "jadeline", "kingsway", "lakeside", "moonrise", "newfield", "oakridge", "parkland", "quarry",
        "riverbend", "stonebridge", "trailhead", "uplands", "vistapoint", "westbrook", "yellowtail",
    ];

    /// <summary>Tenant <paramref name="number"/> (1-based): an agency, numbered once the list runs out.</summary>
    public static string Tenant(int number) => Numbered(Agencies, number);

    /// <summary>The <paramref name="number"/>-th client company of the whole workload (1-based).</summary>
    public static string Client(int number) => Numbered(Clients, number);

    /// <summary>
    /// Campaign <paramref name="number"/> of the <paramref name="client"/>-th client: an audience and an
    /// offer, both moving with the number (steps 1 and 7 around lists of 12 and 10: unique for 60 campaigns).
    /// </summary>
    public static string Campaign(int client, int number)
    {
        var k = number - 1;
        var name = $"{Audiences[(client * 5 + k) % Audiences.Length]} · {Offers[(client * 3 + k * 7) % Offers.Length]}";
        var round = k / 60;
        return round == 0 ? name : $"{name} ({round + 1})";
    }

    /// <summary>The sending domain <paramref name="number"/> (1-based) of a client: its own name in a few cold-email forms.</summary>
    public static string SendingDomain(string client, int number)
    {
        var slug = new string([.. client.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
        var form = DomainForms[(number - 1) % DomainForms.Length];
        var round = (number - 1) / DomainForms.Length;
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, form, round == 0 ? slug : $"{slug}{round + 1}");
    }

    /// <summary>The local part of sender <paramref name="number"/> (1-based) of a company.</summary>
    public static string Sender(int number) =>
        number <= Senders.Length ? Senders[number - 1] : $"{Senders[(number - 1) % Senders.Length]}{(number - 1) / Senders.Length + 1}";

    /// <summary>The address of lead <paramref name="number"/> (1-based) of a client.</summary>
    public static string LeadAddress(int client, int number)
    {
        var index = number - 1;
        var first = FirstNames[index % FirstNames.Length];
        var last = LastNames[(index / FirstNames.Length + client) % LastNames.Length];
        var company = ProspectCompanies[(index / 7 + client * 5) % ProspectCompanies.Length];
        return $"{first}.{last}{(index >= FirstNames.Length * LastNames.Length ? (index / (FirstNames.Length * LastNames.Length)).ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}@{company}.example";
    }

    private static string Numbered(string[] names, int number) =>
        number <= names.Length ? names[number - 1] : $"{names[(number - 1) % names.Length]} {(number - 1) / names.Length + 1}";
}
