package gdpr

// defaultRegion is the region a Client talks to when given neither
// WithRegion nor WithBaseURL.
const defaultRegion = "us-east-1"

// regionHosts maps the API's regions to their API hosts.
var regionHosts = [...]struct{ name, host string }{
	{"us-east-1", "api.mypurecloud.com"},
	{"eu-west-1", "api.mypurecloud.ie"},
	{"eu-central-1", "api.mypurecloud.de"},
	{"eu-west-2", "api.euw2.pure.cloud"},
	{"eu-central-2", "api.euc2.pure.cloud"},
	{"ap-southeast-2", "api.mypurecloud.com.au"},
	{"ap-northeast-1", "api.mypurecloud.jp"},
	{"us-west-2", "api.usw2.pure.cloud"},
	{"ca-central-1", "api.cac1.pure.cloud"},
	{"ap-northeast-2", "api.apne2.pure.cloud"},
	{"ap-south-1", "api.aps1.pure.cloud"},
	{"sa-east-1", "api.sae1.pure.cloud"},
	{"me-central-1", "api.mec1.pure.cloud"},
	{"ap-northeast-3", "api.apne3.pure.cloud"},
	{"mx-central-1", "api.mxc1.pure.cloud"},
	{"ap-southeast-1", "api.apse1.pure.cloud"},
	{"us-east-2", "api.use2.us-gov-pure.cloud"},
}

// regionNames lists the names WithRegion accepts, such as "eu-west-1".
func regionNames() []string {
	names := make([]string, len(regionHosts))
	for i, r := range regionHosts {
		names[i] = r.name
	}
	return names
}

// regionURL returns the API base URL of the named region, such as
// https://api.mypurecloud.ie for "eu-west-1", and false for an unknown
// name.
func regionURL(name string) (string, bool) {
	for _, r := range regionHosts {
		if r.name == name {
			return "https://" + r.host, true
		}
	}
	return "", false
}
