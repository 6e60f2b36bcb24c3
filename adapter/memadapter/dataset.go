package memadapter

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/gdprkit/gdpr"
)

// Dataset is what an Adapter loads: people, and records linked to them. Its
// JSON form is described in the package documentation.
type Dataset struct {
	People  []Person       `json:"people"`
	Records []LinkedRecord `json:"records,omitempty"`
}

// Person kinds.
const (
	KindUser            = "user"
	KindExternalContact = "externalContact"
	KindDialerContact   = "dialerContact"
)

// Employment values.
const (
	EmploymentCurrent = "current"
	EmploymentFormer  = "former"
)

// Person is one data subject as a data store holds it. Only Key and Kind
// are required.
type Person struct {
	// Key names the person within the adapter: unique, not personal.
	Key string `json:"key"`
	// Kind is KindUser, KindExternalContact or KindDialerContact.
	Kind string `json:"kind"`
	// Organization is the organization that owns the person and its
	// linked records: required by an adapter made WithTenantScope,
	// refused by any other.
	Organization      string                `json:"organization,omitempty"`
	UserID            string                `json:"userId,omitempty"`
	ExternalContactID string                `json:"externalContactId,omitempty"`
	DialerContactID   *gdpr.DialerContactID `json:"dialerContactId,omitempty"`
	JourneyCustomer   *gdpr.JourneyCustomer `json:"journeyCustomer,omitempty"`
	ExternalID        string                `json:"externalId,omitempty"`
	Name              string                `json:"name,omitempty"`
	Emails            []string              `json:"emails,omitempty"`
	Phones            []string              `json:"phones,omitempty"`
	Addresses         []string              `json:"addresses,omitempty"`
	// SocialHandles are searched by their type; a Subject carries the
	// first.
	SocialHandles []gdpr.SocialHandle `json:"socialHandles,omitempty"`
	// Employment is EmploymentCurrent, EmploymentFormer or "".
	Employment string `json:"employment,omitempty"`
	// Attributes is free data that marshals to JSON.
	Attributes map[string]any `json:"attributes,omitempty"`
}

// LinkedRecord is a record that belongs to one person, such as a chat
// transcript, an order or a call recording.
type LinkedRecord struct {
	// ID names the record within the adapter: unique among record ids and
	// person keys.
	ID string `json:"id"`
	// Kind says what the record is, e.g. "chatTranscript"; required.
	Kind string `json:"kind"`
	// Person is the key of the person the record is linked to.
	Person string `json:"person"`
	// Fields is free data that marshals to JSON; "person" is reserved.
	Fields map[string]any `json:"fields,omitempty"`
}

// DataError is one defect of a data set given to Load. It says where the
// defect is and why, never what the value was, so that it can be logged.
// Load may return several, joined with errors.Join; find them with
// errors.As.
type DataError struct {
	// Person is the key of the person at fault, or "" when the defect is
	// in a linked record.
	Person string
	// Record is the id of the linked record at fault, or "".
	Record string
	// Index is the position of the person in Dataset.People, or of the
	// record in Dataset.Records.
	Index int
	// Field is the JSON name of the field at fault, e.g. "emails[1]" or
	// "dialerContactId.contactListId".
	Field string
	// Reason says what is wrong.
	Reason string
	// Err is the underlying error, if any.
	Err error

	list string // "people" or "records": where Index points
}

func (e *DataError) Error() string {
	var where string
	switch {
	case e.Person != "":
		where = "person " + strconv.Quote(e.Person)
	case e.Record != "":
		where = "record " + strconv.Quote(e.Record)
	default:
		where = fmt.Sprintf("%s[%d]", e.list, e.Index)
	}
	return "memadapter: " + where + ": " + e.Field + ": " + e.Reason
}

// Unwrap returns the underlying error.
func (e *DataError) Unwrap() error { return e.Err }

// jsonCopy returns a deep copy of m made of the types encoding/json
// decodes into, or an error when m does not marshal to JSON.
func jsonCopy(m map[string]any) (map[string]any, error) {
	if m == nil {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	return c, nil
}

// cloneJSON deep-copies a value made of the types encoding/json decodes
// into.
func cloneJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return cloneFields(v)
	case []any:
		c := make([]any, len(v))
		for i, e := range v {
			c[i] = cloneJSON(e)
		}
		return c
	}
	return v
}

func cloneFields(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = cloneJSON(v)
	}
	return c
}
