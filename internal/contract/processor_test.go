package contract_test

import (
	"testing"
	"time"

	"github.com/gdprkit/gdpr/internal/contract"
	"github.com/gdprkit/gdpr/internal/testkit"
)

func TestProcessor(t *testing.T) {
	contract.Test(t, contract.Service{Service: testkit.Demo(t), Poll: 5 * time.Millisecond})
}
