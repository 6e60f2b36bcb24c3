package gdpr

// Subject is a data subject, or the search term of a request (GDPRSubject on
// the wire). Every field is optional. As a request's subject it carries
// exactly one term; as a search result it carries what is known of the
// subject, with at least one of UserID, ExternalContactID or DialerContactID
// when the data store names its subjects.
type Subject struct {
	Name              string           `json:"name,omitempty"`
	UserID            string           `json:"userId,omitempty"`
	ExternalContactID string           `json:"externalContactId,omitempty"`
	DialerContactID   *DialerContactID `json:"dialerContactId,omitempty"`
	JourneyCustomer   *JourneyCustomer `json:"journeyCustomer,omitempty"`
	SocialHandle      *SocialHandle    `json:"socialHandle,omitempty"`
	ExternalID        string           `json:"externalId,omitempty"`
	Addresses         []string         `json:"addresses,omitempty"`
	PhoneNumbers      []string         `json:"phoneNumbers,omitempty"`
	EmailAddresses    []string         `json:"emailAddresses,omitempty"`
}

// IsZero reports whether s carries no field at all.
func (s Subject) IsZero() bool {
	return s.Name == "" && s.UserID == "" && s.ExternalContactID == "" &&
		s.DialerContactID == nil && s.JourneyCustomer == nil && s.SocialHandle == nil &&
		s.ExternalID == "" && len(s.Addresses) == 0 && len(s.PhoneNumbers) == 0 &&
		len(s.EmailAddresses) == 0
}

// Clone returns a deep copy of s.
func (s Subject) Clone() Subject {
	if s.DialerContactID != nil {
		d := *s.DialerContactID
		s.DialerContactID = &d
	}
	if s.JourneyCustomer != nil {
		j := *s.JourneyCustomer
		s.JourneyCustomer = &j
	}
	if s.SocialHandle != nil {
		h := *s.SocialHandle
		s.SocialHandle = &h
	}
	s.Addresses = cloneStrings(s.Addresses)
	s.PhoneNumbers = cloneStrings(s.PhoneNumbers)
	s.EmailAddresses = cloneStrings(s.EmailAddresses)
	return s
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}

// DialerContactID names a contact of an outbound dialer contact list.
type DialerContactID struct {
	ID            string `json:"id,omitempty"`
	ContactListID string `json:"contactListId,omitempty"`
}

// JourneyCustomer names a web visitor known to journey tracking. Type is
// free text, such as "cookie"; each field is required when the other is set.
type JourneyCustomer struct {
	Type string `json:"type,omitempty"`
	ID   string `json:"id,omitempty"`
}

// SocialHandle is a handle on a social network. Type is one of the social
// search types (TWITTER, INSTAGRAM, FACEBOOK, APPLE_MESSAGES).
type SocialHandle struct {
	Type  Kind   `json:"type,omitempty"`
	Value string `json:"value,omitempty"`
}

// SubjectEntityListing is the wire listing of a subject search.
type SubjectEntityListing struct {
	Entities    []Subject `json:"entities"`
	PageSize    int       `json:"pageSize,omitempty"`
	PageNumber  int       `json:"pageNumber,omitempty"`
	Total       int64     `json:"total"`
	FirstURI    string    `json:"firstUri,omitempty"`
	NextURI     string    `json:"nextUri,omitempty"`
	PreviousURI string    `json:"previousUri,omitempty"`
	LastURI     string    `json:"lastUri,omitempty"`
	SelfURI     string    `json:"selfUri,omitempty"`
	PageCount   int       `json:"pageCount,omitempty"`
}
