package jar

// Temporary forwards to the names that moved to package cookie (the model)
// and internal/jarpath, so that branches written against jar.Cookie and
// friends still compile after a rebase. To be removed once every branch has
// landed: new code uses cookie.X directly.

import (
	"github.com/crumbs-dev/crumbs/internal/jarpath"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

type (
	Container     = cookie.Container
	Cookie        = cookie.Cookie
	Encryption    = cookie.Encryption
	Evidence      = cookie.Evidence
	Extras        = cookie.Extras
	Filter        = cookie.Filter
	Identity      = cookie.Identity
	InvalidError  = cookie.InvalidError
	Partition     = cookie.Partition
	PartitionKind = cookie.PartitionKind
	Purpose       = cookie.Purpose
	SameSite      = cookie.SameSite
)

const (
	EncDPAPI               = cookie.EncDPAPI
	EncPlain               = cookie.EncPlain
	EncV10                 = cookie.EncV10
	EncV11                 = cookie.EncV11
	EncV12                 = cookie.EncV12
	EncV20                 = cookie.EncV20
	EvidenceDomain         = cookie.EvidenceDomain
	EvidenceHeuristic      = cookie.EvidenceHeuristic
	EvidenceName           = cookie.EvidenceName
	EvidenceNone           = cookie.EvidenceNone
	EvidencePattern        = cookie.EvidencePattern
	EvidenceRule           = cookie.EvidenceRule
	EvidenceUser           = cookie.EvidenceUser
	PartitionCHIPS         = cookie.PartitionCHIPS
	PartitionFirefox       = cookie.PartitionFirefox
	PartitionNone          = cookie.PartitionNone
	PurposePersonalization = cookie.PurposePersonalization
	PurposeSession         = cookie.PurposeSession
	PurposeTracking        = cookie.PurposeTracking
	PurposeUnknown         = cookie.PurposeUnknown
	SameSiteLax            = cookie.SameSiteLax
	SameSiteNone           = cookie.SameSiteNone
	SameSiteStrict         = cookie.SameSiteStrict
	SameSiteUnspecified    = cookie.SameSiteUnspecified
)

var (
	FoldText          = cookie.FoldText
	MustParseFilter   = cookie.MustParseFilter
	ParseFilter       = cookie.ParseFilter
	ParsePartitionKey = cookie.ParsePartitionKey
	ParsePurpose      = cookie.ParsePurpose
	ParseSameSite     = cookie.ParseSameSite
	Site              = cookie.Site
	Validate          = cookie.Validate
	Purposes          = cookie.Purposes
	DefaultPath       = jarpath.Default
)
