package sqlite

import (
	"context"

	"topupcards/data"
	"topupcards/data/sqlcore"
)

// The domain's names, so that the SQLite code reads as it did when it lived
// in package data (and changes made to it there still merge).
type (
	Card           = data.Card
	Serial         = data.Serial
	Money          = data.Money
	Status         = data.Status
	Filter         = data.Filter
	Sort           = data.Sort
	Column         = data.Column
	Cursor         = data.Cursor
	Summary        = data.Summary
	CurrencyTotal  = data.CurrencyTotal
	StatusTotal    = data.StatusTotal
	GenerateParams = data.GenerateParams
	Batch          = data.Batch
	Plan           = data.Plan
	Progress       = data.Progress
	Edit           = data.Edit
	Result         = data.Result
	HistoryEntry   = data.HistoryEntry
	UndoResult     = data.UndoResult
	PrintRun       = data.PrintRun
	Reseller       = data.Reseller
	Backup         = data.Backup
	RestorePlan    = data.RestorePlan
	RestoreResult  = data.RestoreResult
)

// The domain's errors.
var (
	ErrNotFound         = data.ErrNotFound
	ErrInvalid          = data.ErrInvalid
	ErrNotDatabase      = data.ErrNotDatabase
	ErrNewerSchema      = data.ErrNewerSchema
	ErrAlreadyRedeemed  = data.ErrAlreadyRedeemed
	ErrExpired          = data.ErrExpired
	ErrBlocked          = data.ErrBlocked
	ErrTypo             = data.ErrTypo
	ErrResellerInUse    = data.ErrResellerInUse
	ErrDuplicate        = data.ErrDuplicate
	ErrGuessable        = data.ErrGuessable
	ErrEmptyFilter      = data.ErrEmptyFilter
	ErrSnapshotNotFound = data.ErrSnapshotNotFound
	ErrBusy             = data.ErrBusy
	ErrDamaged          = data.ErrDamaged
	ErrConflict         = data.ErrConflict
	ErrNotUndoable      = data.ErrNotUndoable
	ErrBackupNotFound   = data.ErrBackupNotFound
	ErrBackupDamaged    = data.ErrBackupDamaged
	ErrForeignBackup    = data.ErrForeignBackup
)

// The domain's constants.
const (
	BackupDaily         = data.BackupDaily
	BackupManual        = data.BackupManual
	BackupBeforeRestore = data.BackupBeforeRestore
	BackupBeforeUpgrade = data.BackupBeforeUpgrade
	KeepDaily           = data.KeepDaily
	KeepWeekly          = data.KeepWeekly
	DefaultJournalDays  = data.DefaultJournalDays
	MaxJournalDays      = data.MaxJournalDays
	MaxQuantity         = data.MaxQuantity
	MaxFill             = data.MaxFill
	WarnOdds            = data.WarnOdds
	MaxAmountMajor      = data.MaxAmountMajor
	DefaultPINLength    = data.DefaultPINLength
	MinPINLength        = data.MinPINLength
	MaxPINLength        = data.MaxPINLength
	MaxSerialNumber     = data.MaxSerialNumber
	StatusNew           = data.StatusNew
	StatusActivated     = data.StatusActivated
	StatusExpired       = data.StatusExpired
	StatusBlocked       = data.StatusBlocked
	BlockClear          = data.BlockClear
	BlockSet            = data.BlockSet
	ExpiryClear         = data.ExpiryClear
	ExpirySet           = data.ExpirySet
	PrintPDF            = data.PrintPDF
	PrintXLSX           = data.PrintXLSX
	PrintedNo           = data.PrintedNo
	PrintedYes          = data.PrintedYes
	ColActivatedAt      = data.ColActivatedAt
	ColActivatedBy      = data.ColActivatedBy
	ColAmount           = data.ColAmount
	ColBatch            = data.ColBatch
	ColCreatedAt        = data.ColCreatedAt
	ColCurrency         = data.ColCurrency
	ColExpiresAt        = data.ColExpiresAt
	ColPIN              = data.ColPIN
	ColPrinted          = data.ColPrinted
	ColReseller         = data.ColReseller
	ColStatus           = data.ColStatus
	ColSerial           = data.ColSerial
)

// The domain's functions the SQL code calls.
var (
	AmountSQL           = data.AmountSQL
	AmountComplementSQL = data.AmountComplementSQL
	AmountScaleSQL      = data.AmountScaleSQL
	CheckText           = data.CheckText
	FormatTime          = data.Plain.Timestamp
	GroupPIN            = data.GroupPIN
	LuhnValid           = data.LuhnValid
	MaskPINs            = data.MaskPINs
	NormalizePIN        = data.NormalizePIN
	OddsText            = data.OddsText
	groupThousands      = data.GroupThousands
	Statuses            = data.Statuses
)

type digitSource = data.DigitSource

func errf(kind error, format string, a ...any) error { return data.NewError(kind, format, a...) }

func cleanName(name string) (string, error) { return data.CleanName(name) }

var _ data.Store = (*Store)(nil)

// core is the part of the store both SQL stores share; embedded under this
// name, it is no field of the store's API.
type core = sqlcore.Core

// resellerID finds a reseller by name (sqlcore.ResellerID).
func resellerID(ctx context.Context, q sqlcore.RowQueryer, name string) (int64, error) {
	return sqlcore.ResellerID(ctx, q, name)
}
