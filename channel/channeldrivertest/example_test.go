package channeldrivertest_test

import (
	"fmt"

	"github.com/socialcare/socialcare/channel/channeldrivertest"
)

// Features switches the optional parts of the suite; an adapter declares
// what its test harness can do.
func ExampleFeatures() {
	f := channeldrivertest.Features{InjectFailures: true, RateLimit: true, PlatformRules: true}
	fmt.Printf("%+v\n", f)
	// Output:
	// {InjectFailures:true RateLimit:true Webhook:false PlatformRules:true}
}
