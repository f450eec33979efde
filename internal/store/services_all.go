package store

// All returns every domain service backed by db.
func All(db *DB) AllServices {
	return AllServices{
		Processor:  NewProcessor(db),
		Services:   NewServices(db),
		Customers:  NewCustomers(db),
		Agreements: NewAgreements(db),
		Users:      NewUsers(db),
		APIKeys:    NewAPIKeys(db),
		Activities: NewActivities(db),
		Terms:      NewTerms(db),
		Duties:     NewDuties(db),

		Subprocessors: NewSubprocessors(db),
		Changes:       NewChanges(db),
		Transfers:     NewTransfers(db),
		Deliveries:    NewDeliveries(db),
		Subscriptions: NewSubscriptions(db),
		Webhooks:      NewWebhooks(db),
		Incidents:     NewIncidents(db),
		Bulletins:     NewBulletins(db),
	}
}

// AllServices are the store's implementations of the domain services.
type AllServices struct {
	Processor  *Processor
	Services   *Services
	Customers  *Customers
	Agreements *Agreements
	Users      *Users
	APIKeys    *APIKeys
	Activities *Activities
	Terms      *Terms
	Duties     *Duties

	Subprocessors *Subprocessors
	Changes       *Changes
	Transfers     *Transfers
	Deliveries    *Deliveries
	Subscriptions *Subscriptions
	Webhooks      *Webhooks
	Incidents     *Incidents
	Bulletins     *Bulletins
}
