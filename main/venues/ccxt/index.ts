/** The ONE module that imports ccxt. Everything else talks to venues through these types. */
export { CcxtVenue, type VenueOptions, type RetryPolicy } from './client.ts';
export { exchangeCatalogue, exchangeInfo, ccxtVersion, MARKET_DATA_CAPABILITIES, type ExchangeInfo, type Capability } from './catalogue.ts';
export { mapCcxtError, isRateLimit } from './errors.ts';
export { RateLimiter, sharedLimiter, resetSharedLimiters, type RateLimit } from './limiter.ts';
export { openStream, type StreamKind, type StreamStatus, type StreamHandlers, type StreamHandle, type TickerUpdate, type MarkUpdate } from './streams.ts';
export { marketToInstrument, decimalString } from './instruments.ts';
export { CcxtTrading, orderError, orderReport, tradeReport, type OrderApi, type PlaceRequest, type PlaceKind, type CancelRequest, type VenueOrderReport, type VenueTradeReport, type VenueBalance, type VenuePosition, type VenueOrderStatus, type DryRunRequest } from './trading.ts';
export { orderOutcome, isAlgoRequired, isClockSkew, venueWords, type OrderOutcome } from './errors.ts';
export { checkKey, type KeyCheck } from './credentials.ts';
export { fetchFundingNow, fetchFundingHistory, type FundingNow, type FundingRecord } from './funding.ts';
export { setVenueLeverage, setVenueMarginMode, fetchVenueMargins, fetchVenueTiers, fetchPublicTiers, fetchVenueMark, type PublicTierSource, type PublicTiers, type VenueMarginMode, type VenueSymbolMargin } from './leverage.ts';
